#include "train_data_preview.h"

#include <QLabel>
#include <QListWidget>
#include <QPixmap>
#include <QVBoxLayout>

#include "train_data_scan.h"

namespace emergence::ui {

TrainDataPreview::TrainDataPreview(QWidget* parent)
    : QWidget(parent),
      sheet_(new QLabel(this)),
      counts_(new QLabel(this)),
      skipped_title_(new QLabel(this)),
      skipped_(new QListWidget(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  sheet_->setObjectName(QStringLiteral("contactSheet"));
  sheet_->setAlignment(Qt::AlignCenter);
  sheet_->setMinimumSize(200, 200);
  sheet_->setFrameShape(QFrame::StyledPanel);
  counts_->setObjectName(QStringLiteral("classCounts"));
  counts_->setWordWrap(true);
  counts_->setTextFormat(Qt::PlainText);
  skipped_->setObjectName(QStringLiteral("skippedFiles"));
  skipped_->setMaximumHeight(90);
  layout->addWidget(sheet_, 1);
  layout->addWidget(counts_);
  layout->addWidget(skipped_title_);
  layout->addWidget(skipped_);
  clear(tr("Choose a folder of images to see what training will use."));
}

void TrainDataPreview::clear(const QString& message) {
  sheet_->setPixmap(QPixmap());
  sheet_->setText(message);
  counts_->clear();
  skipped_title_->hide();
  skipped_->clear();
  skipped_->hide();
}

void TrainDataPreview::showScanning(const QString& folder) { clear(tr("Reading %1…").arg(folder)); }

void TrainDataPreview::showSummary(const TrainDataSummary& summary) {
  if (!summary.error.isEmpty()) {
    clear(summary.error);
    sheet_->setWordWrap(true);
    return;
  }
  const QPixmap pixmap = QPixmap::fromImage(summary.contact_sheet);
  sheet_->setPixmap(pixmap);
  sheet_->setToolTip(tr("The images as training sees them: cropped to a square and resized to "
                        "%1 px (up to 64 shown)")
                         .arg(summary.resolution));
  QStringList lines;
  if (summary.class_names.isEmpty()) {
    lines << tr("%1 %2, no classes (an unconditional model)")
                 .arg(summary.images)
                 .arg(summary.images == 1 ? tr("image") : tr("images"));
  } else {
    lines << tr("%1 %2 in %3 classes:")
                 .arg(summary.images)
                 .arg(summary.images == 1 ? tr("image") : tr("images"))
                 .arg(summary.class_names.size());
    // A dataset's class table may list classes it holds no image of (a subset of the emoji).
    constexpr int kListed = 24;
    QStringList counts;
    int empty = 0;
    int unlisted = 0;
    for (int i = 0; i < summary.class_names.size(); ++i) {
      const int count = summary.class_counts.value(i);
      if (count == 0) {
        ++empty;
      } else if (counts.size() < kListed) {
        counts << QStringLiteral("%1: %2").arg(summary.class_names[i]).arg(count);
      } else {
        ++unlisted;
      }
    }
    if (unlisted > 0) {
      counts << tr("%1 more").arg(unlisted);
    }
    lines << counts.join(QStringLiteral(" · "));
    if (empty > 0) {
      lines << tr("(%1 more classes of the dataset's table hold no images here)").arg(empty);
    }
  }
  counts_->setText(lines.join(QLatin1Char('\n')));
  skipped_->clear();
  for (const auto& [file, reason] : summary.skipped) {
    skipped_->addItem(QStringLiteral("%1 — %2").arg(file, reason));
  }
  skipped_title_->setText(summary.skipped.size() == 1
                              ? tr("1 file will be skipped:")
                              : tr("%1 files will be skipped:").arg(summary.skipped.size()));
  skipped_title_->setVisible(!summary.skipped.isEmpty());
  skipped_->setVisible(!summary.skipped.isEmpty());
}

QString TrainDataPreview::countsText() const { return counts_->text(); }

QString TrainDataPreview::skippedText() const {
  QStringList items;
  for (int i = 0; i < skipped_->count(); ++i) {
    items << skipped_->item(i)->text();
  }
  return items.join(QLatin1Char('\n'));
}

}  // namespace emergence::ui
