#include "nearest_panel.h"

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSettings>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <memory>

#include "core/trajectory.h"
#include "frame_store.h"
#include "main_window.h"
#include "sampling_controller.h"
#include "spectrum_panel.h"

namespace emergence::ui {
namespace {

constexpr int kThumbnail = 64;
const char* const kCountKey = "nearest/count";

// Tiny training images stay crisp when shown larger.
QIcon thumbnail(const QImage& image) {
  return QIcon(QPixmap::fromImage(
      image.scaled(kThumbnail, kThumbnail, Qt::KeepAspectRatio, Qt::FastTransformation)));
}

}  // namespace

NearestPanel::NearestPanel(QWidget* parent)
    : QWidget(parent),
      search_(new NearestSearch(this)),
      query_(new QLabel(this)),
      header_(new QLabel(this)),
      verdict_(new QLabel(this)),
      count_(new QSpinBox(this)),
      table_(new QTableWidget(0, 3, this)) {
  setObjectName(QStringLiteral("nearestPanel"));
  query_->setObjectName(QStringLiteral("nearestQuery"));
  query_->setFixedSize(kThumbnail, kThumbnail);
  query_->setToolTip(tr("The image looked up: the clean guess x̂0 of the step shown"));
  query_->hide();
  header_->setObjectName(QStringLiteral("nearestHeader"));
  header_->setWordWrap(true);
  header_->setTextFormat(Qt::PlainText);
  header_->setMinimumHeight(3 * fontMetrics().lineSpacing());
  verdict_->setObjectName(QStringLiteral("nearestVerdict"));
  verdict_->setWordWrap(true);
  verdict_->setTextFormat(Qt::RichText);
  count_->setObjectName(QStringLiteral("nearestCount"));
  count_->setRange(1, kMaxCount);
  count_->setValue(
      std::clamp(QSettings().value(QLatin1String(kCountKey), kDefaultCount).toInt(), 1, kMaxCount));
  count_->setToolTip(tr("How many of the nearest training images to list"));
  table_->setObjectName(QStringLiteral("nearestTable"));
  table_->setHorizontalHeaderLabels({tr("Image"), tr("Distance"), tr("Training image")});
  table_->setIconSize(QSize(kThumbnail, kThumbnail));
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionMode(QAbstractItemView::NoSelection);
  table_->setFocusPolicy(Qt::NoFocus);
  table_->setWordWrap(true);
  table_->verticalHeader()->setDefaultSectionSize(kThumbnail + 6);
  table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Fixed);
  table_->horizontalHeader()->resizeSection(0, kThumbnail + 12);
  table_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->horizontalHeaderItem(1)->setToolTip(
      tr("Euclidean distance over every pixel and colour, in the model's [−1, 1] units (as "
         "`emergence nearest` prints it)"));

  auto* count_row = new QHBoxLayout;
  count_row->addWidget(new QLabel(tr("Show"), this));
  count_row->addWidget(count_);
  count_row->addWidget(new QLabel(tr("nearest"), this));
  count_row->addStretch(1);
  auto* text = new QVBoxLayout;
  text->addWidget(header_);
  text->addWidget(verdict_);
  text->addStretch(1);
  auto* top = new QHBoxLayout;
  top->addWidget(query_, 0, Qt::AlignTop);
  top->addLayout(text, 1);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addLayout(count_row);
  layout->addWidget(table_, 1);

  connect(search_, &NearestSearch::stateChanged, this, &NearestPanel::showState);
  connect(search_, &NearestSearch::found, this, &NearestPanel::showResult);
  connect(count_, &QSpinBox::valueChanged, this, [this](int k) {
    QSettings().setValue(QLatin1String(kCountKey), k);
    request();
  });
  showState();
}

QString NearestPanel::folderName() const {
  const QString name = QFileInfo(search_->folder()).fileName();
  return name.isEmpty() ? QDir::toNativeSeparators(search_->folder()) : name;
}

int NearestPanel::count() const { return count_->value(); }

void NearestPanel::setCount(int k) { count_->setValue(k); }

void NearestPanel::setModel(ModelInfoPtr info) {
  frame_.reset();
  table_->setRowCount(0);
  search_->setModel(std::move(info));
}

void NearestPanel::setFrame(FramePtr frame) {
  frame_ = std::move(frame);
  request();
}

void NearestPanel::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (stale_) {
    request();
  }
}

void NearestPanel::request() {
  if (!frame_) {
    return;
  }
  stale_ = !isVisible();
  if (!stale_) {
    search_->find(frame_, count_->value());
  }
}

void NearestPanel::showState() {
  const bool ready = search_->state() == NearestSearch::State::Ready;
  count_->setEnabled(ready);
  table_->setVisible(ready);
  if (!ready) {
    header_->setText(search_->message());
    table_->setRowCount(0);
  } else if (table_->rowCount() == 0) {
    header_->setText(tr("%1 training images in %2. Generate, or pick a step, to see the nearest.")
                         .arg(QLocale().toString(search_->size()), folderName()));
  }
  verdict_->setVisible(ready && table_->rowCount() > 0);
  query_->setVisible(ready && table_->rowCount() > 0);
  header_->setToolTip(ready ? QDir::toNativeSeparators(search_->folder()) : QString());
}

void NearestPanel::showResult(const NearestResult& result) {
  if (!result.error.isEmpty()) {
    table_->setRowCount(0);
    verdict_->hide();
    query_->hide();
    header_->setText(tr("The search failed: %1").arg(result.error));
    return;
  }
  const QString what =
      result.step >= result.total
          ? tr("the final image")
          : tr("the clean guess x̂0 at step %1 of %2").arg(result.step).arg(result.total);
  header_->setText(tr("The %1 training images nearest to %2, of %3 in %4.")
                       .arg(result.matches.size())
                       .arg(what, QLocale().toString(search_->size()), folderName()));
  query_->setPixmap(QPixmap::fromImage(
      result.query.scaled(kThumbnail, kThumbnail, Qt::KeepAspectRatio, Qt::FastTransformation)));
  query_->setVisible(!result.query.isNull());
  table_->setRowCount(static_cast<int>(result.matches.size()));
  for (int row = 0; row < result.matches.size(); ++row) {
    const NearestMatch& match = result.matches[row];
    auto* image = new QTableWidgetItem(thumbnail(match.image), QString());
    image->setToolTip(match.file);
    table_->setItem(row, 0, image);
    auto* distance = new QTableWidgetItem(QString::number(match.distance, 'f', 2));
    distance->setData(Qt::UserRole, match.distance);
    distance->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    table_->setItem(row, 1, distance);
    const QString name = match.description.isEmpty()
                             ? match.file
                             : match.description + QLatin1Char('\n') + match.file;
    table_->setItem(row, 2, new QTableWidgetItem(name));
  }
  if (result.verdict_known) {
    const QString ratio = QString::number(result.ratio, 'f', 2);
    verdict_->setText(
        result.near_copy
            ? tr("<b>Near copy</b> of a training image: the nearest is %1× as far as the next "
                 "ones on average (a copy is under ⅓×).")
                  .arg(ratio)
            : tr("<b>Not a copy</b>: the nearest is %1× as far as the next ones on average (a "
                 "copy is under ⅓×).")
                  .arg(ratio));
  } else {
    verdict_->setText(tr("A near copy cannot be told with a single training image."));
  }
  verdict_->show();
  Q_EMIT resultShown();
}

void attach_nearest_panel(MainWindow& window, NearestPanel* panel) {
  window.addAnalysisPanel(NearestPanel::tr("Nearest Training Images"), panel);
  if (auto* dock = qobject_cast<QDockWidget*>(panel->parentWidget())) {
    QAction* toggle = dock->toggleViewAction();
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    // Qt's toggle would close the dock while it is a tab behind the spectrum, where it cannot be
    // seen: there the key brings it to the front, and only a dock in view is closed. Qt tells a
    // tab's coming into and going out of view only through visibilityChanged.
    auto in_view = std::make_shared<bool>(false);
    QObject::connect(dock, &QDockWidget::visibilityChanged, dock,
                     [in_view](bool visible) { *in_view = visible; });
    QObject::disconnect(toggle, &QAction::triggered, dock, nullptr);
    QObject::connect(toggle, &QAction::triggered, dock, [dock, toggle, in_view] {
      if (*in_view) {
        dock->close();
      } else {
        dock->show();
        dock->raise();
      }
      toggle->setChecked(!dock->isHidden());
    });
    toggle->setToolTip(
        NearestPanel::tr("How close the image on screen is to the model's training images"));
    // A tab beside the spectrum: both want the height of the window.
    for (QDockWidget* other : window.findChildren<QDockWidget*>()) {
      if (qobject_cast<SpectrumPanel*>(other->widget()) != nullptr) {
        window.tabifyDockWidget(other, dock);
        other->raise();
        break;
      }
    }
  }
  QObject::connect(window.controller(), &SamplingController::modelLoaded, panel,
                   [panel](ModelInfoPtr info, qint64) { panel->setModel(std::move(info)); });
  QObject::connect(&window, &MainWindow::frameShown, panel,
                   [&window, panel](int frame) { panel->setFrame(window.frames().frame(frame)); });
}

}  // namespace emergence::ui
