#include "class_picker.h"

#include <QFrame>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QScreen>
#include <QSignalBlocker>
#include <QStandardItemModel>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>
#include <algorithm>
#include <map>

namespace emergence::ui {
namespace {

constexpr int kClassRole = Qt::UserRole + 1;       // a class row's label; headings have none
constexpr int kSearchTextRole = Qt::UserRole + 2;  // what the search matches, in searchForm

// Case-folded, with "-" and "_" read as spaces, so "Face smil" finds "face-smiling".
QString searchForm(const QString& text) {
  QString form = text.toCaseFolded();
  form.replace(QLatin1Char('-'), QLatin1Char(' '));
  form.replace(QLatin1Char('_'), QLatin1Char(' '));
  return form;
}

QString headedName(const QString& heading, const QString& name) {
  return heading.isEmpty() ? name : heading + QStringLiteral(" › ") + name;
}

// A class row matches its own name and its heading's.
QStandardItem* classRow(const QString& name, qint64 label, const QString& heading) {
  auto* item = new QStandardItem(name);
  item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
  item->setData(label, kClassRole);
  item->setData(searchForm(heading + QLatin1Char(' ') + name), kSearchTextRole);
  item->setToolTip(headedName(heading, name));
  return item;
}

}  // namespace

ClassPicker::ClassPicker(QWidget* parent)
    : QComboBox(parent),
      popup_(new QFrame(this, Qt::Popup)),
      search_(new QLineEdit(popup_)),
      list_(new QTreeView(popup_)),
      no_match_(new QLabel(popup_)),
      list_model_(new QStandardItemModel(this)) {
  setObjectName(QStringLiteral("classPicker"));
  // Long subgroup names must not widen the dock; the popup is wider (placePopup).
  setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  setMinimumContentsLength(14);
  popup_->setObjectName(QStringLiteral("classSearchPopup"));
  popup_->setFrameShape(QFrame::StyledPanel);
  popup_->setAttribute(Qt::WA_NoMouseReplay);  // a click on the picker closes it, not reopens
  search_->setObjectName(QStringLiteral("classSearch"));
  search_->setPlaceholderText(tr("Search classes and groups"));
  search_->setClearButtonEnabled(true);
  for (QToolButton* clear : search_->findChildren<QToolButton*>()) {
    clear->setToolTip(tr("Clear the search (Esc)"));
  }
  search_->setToolTip(
      tr("Type part of a class or group name: ↑ and ↓ choose, Enter picks, Esc clears"));
  search_->installEventFilter(this);
  list_->setObjectName(QStringLiteral("classList"));
  list_->setModel(list_model_);
  list_->setHeaderHidden(true);
  list_->setRootIsDecorated(false);
  list_->setItemsExpandable(false);  // headings stay open: they are headings, not folders
  list_->setUniformRowHeights(true);
  list_->setIndentation(list_->fontMetrics().averageCharWidth() * 3);
  list_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  list_->setSelectionMode(QAbstractItemView::SingleSelection);
  list_->setFocusPolicy(Qt::NoFocus);  // the keys stay in the search field
  no_match_->setForegroundRole(QPalette::PlaceholderText);
  no_match_->setWordWrap(true);
  no_match_->hide();
  auto* layout = new QVBoxLayout(popup_);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);
  layout->addWidget(search_);
  layout->addWidget(list_, 1);
  layout->addWidget(no_match_);
  connect(search_, &QLineEdit::textChanged, this, &ClassPicker::applyFilter);
  connect(list_, &QTreeView::clicked, this, &ClassPicker::pick);
  // The highlight follows the mouse too, so Enter and a click agree on the class.
  list_->setMouseTracking(true);
  connect(list_, &QTreeView::entered, this, [this](const QModelIndex& index) {
    if (index.data(kClassRole).isValid()) {
      highlight(index);
    }
  });
}

void ClassPicker::setClasses(const std::vector<std::string>& names,
                             const std::vector<std::string>& groups) {
  hidePopup();
  clear();
  const bool grouped = !groups.empty() && groups.size() == names.size();
  if (!names.empty()) {
    addItem(tr("Unconditional"), qint64(-1));
    setItemData(0, tr("No class: works only with models trained with a null class"),
                Qt::ToolTipRole);
  }
  for (size_t i = 0; i < names.size(); ++i) {
    const QString name = QString::fromStdString(names[i]);
    addItem(name, qint64(i));
    if (grouped) {
      setItemData(count() - 1, headedName(QString::fromStdString(groups[i]), name),
                  Qt::ToolTipRole);
    }
  }
  searchable_ = grouped || int(names.size()) > kSearchAbove;
  buildList(names, grouped ? groups : std::vector<std::string>{});
}

// "Unconditional" first, then each heading in the order of its first class, with its classes.
void ClassPicker::buildList(const std::vector<std::string>& names,
                            const std::vector<std::string>& groups) {
  list_model_->clear();
  if (names.empty()) {
    return;
  }
  QStandardItem* root = list_model_->invisibleRootItem();
  root->appendRow(classRow(itemText(0), -1, QString()));
  QFont heading_font = list_->font();
  heading_font.setBold(true);
  std::map<QString, QStandardItem*> headings;
  for (size_t i = 0; i < names.size(); ++i) {
    const QString heading = groups.empty() ? QString() : QString::fromStdString(groups[i]);
    QStandardItem* row = classRow(QString::fromStdString(names[i]), qint64(i), heading);
    if (heading.isEmpty()) {
      root->appendRow(row);
      continue;
    }
    QStandardItem*& head = headings[heading];
    if (head == nullptr) {
      head = new QStandardItem(heading);
      head->setFlags(Qt::ItemIsEnabled);  // not selectable: a heading is no class
      head->setFont(heading_font);
      root->appendRow(head);
    }
    head->appendRow(row);
  }
  list_->expandAll();
}

void ClassPicker::applyFilter(const QString& text) {
  const QStringList words = searchForm(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
  const auto matches = [&words](const QStandardItem* item) {
    const QString haystack = item->data(kSearchTextRole).toString();
    return std::all_of(words.begin(), words.end(),
                       [&haystack](const QString& word) { return haystack.contains(word); });
  };
  int shown = 0;
  const QStandardItem* root = list_model_->invisibleRootItem();
  for (int r = 0; r < root->rowCount(); ++r) {
    const QStandardItem* top = root->child(r);
    if (!top->hasChildren()) {
      const bool show = matches(top);
      list_->setRowHidden(r, QModelIndex(), !show);
      shown += show ? 1 : 0;
      continue;
    }
    int in_heading = 0;
    for (int c = 0; c < top->rowCount(); ++c) {
      const bool show = matches(top->child(c));
      list_->setRowHidden(c, top->index(), !show);
      in_heading += show ? 1 : 0;
    }
    list_->setRowHidden(r, QModelIndex(), in_heading == 0);
    shown += in_heading;
  }
  no_match_->setText(tr("No class or group matches “%1”").arg(text.trimmed()));
  no_match_->setVisible(shown == 0);
  const std::vector<QModelIndex> classes = shownClasses();
  highlight(classes.empty() ? QModelIndex() : classes.front());
}

std::vector<QModelIndex> ClassPicker::shownClasses() const {
  std::vector<QModelIndex> classes;
  const QStandardItem* root = list_model_->invisibleRootItem();
  for (int r = 0; r < root->rowCount(); ++r) {
    const QStandardItem* top = root->child(r);
    if (list_->isRowHidden(r, QModelIndex())) {
      continue;
    }
    if (!top->hasChildren()) {
      classes.push_back(top->index());
    }
    for (int c = 0; c < top->rowCount(); ++c) {
      if (!list_->isRowHidden(c, top->index())) {
        classes.push_back(top->child(c)->index());
      }
    }
  }
  return classes;
}

QStringList ClassPicker::shownRows() const {
  QStringList rows;
  const QStandardItem* root = list_model_->invisibleRootItem();
  for (int r = 0; r < root->rowCount(); ++r) {
    const QStandardItem* top = root->child(r);
    if (list_->isRowHidden(r, QModelIndex())) {
      continue;
    }
    rows << (top->hasChildren() ? QStringLiteral("# ") + top->text() : top->text());
    for (int c = 0; c < top->rowCount(); ++c) {
      if (!list_->isRowHidden(c, top->index())) {
        rows << top->child(c)->text();
      }
    }
  }
  return rows;
}

qint64 ClassPicker::highlightedClass() const {
  const QModelIndex index = list_->currentIndex();
  if (!index.isValid() || !list_->selectionModel()->isSelected(index)) {
    return -2;
  }
  const QVariant label = index.data(kClassRole);
  return label.isValid() ? label.toLongLong() : -2;
}

void ClassPicker::highlight(const QModelIndex& index) {
  if (!index.isValid()) {
    list_->selectionModel()->clear();
    return;
  }
  list_->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
  list_->scrollTo(index);
}

void ClassPicker::moveHighlight(int by) {
  const std::vector<QModelIndex> classes = shownClasses();
  if (classes.empty()) {
    return;
  }
  const auto at = std::find(classes.begin(), classes.end(), list_->currentIndex());
  const int from =
      at == classes.end() ? (by > 0 ? -1 : int(classes.size())) : int(at - classes.begin());
  highlight(classes[size_t(std::clamp(from + by, 0, int(classes.size()) - 1))]);
}

void ClassPicker::pick(const QModelIndex& index) {
  const QVariant label = index.isValid() ? index.data(kClassRole) : QVariant();
  if (!label.isValid()) {
    return;  // a heading, or nothing matches
  }
  const int row = findData(label);
  hidePopup();
  if (row >= 0) {
    setCurrentIndex(row);
    Q_EMIT activated(row);
    Q_EMIT textActivated(itemText(row));
  }
}

void ClassPicker::showPopup() {
  if (!searchable_ || count() == 0) {
    QComboBox::showPopup();
    return;
  }
  {
    const QSignalBlocker block(search_);
    search_->clear();
  }
  applyFilter(QString());
  QModelIndex current;
  for (const QModelIndex& index : shownClasses()) {
    if (index.data(kClassRole) == currentData()) {
      current = index;
    }
  }
  placePopup();
  popup_->show();
  search_->setFocus(Qt::PopupFocusReason);
  if (current.isValid()) {  // else the first class stays highlighted
    highlight(current);
    list_->scrollTo(current, QAbstractItemView::PositionAtCenter);
  }
}

// Below the picker, or above it where there is more room there; at least as wide as the picker.
void ClassPicker::placePopup() {
  const QRect screen_area = screen() != nullptr ? screen()->availableGeometry() : QRect();
  const QFontMetrics metrics = fontMetrics();
  const int width = std::max(this->width(), metrics.averageCharWidth() * 38);
  int height = metrics.height() * 26;
  const QPoint top = mapToGlobal(QPoint(0, 0));
  const QPoint below = mapToGlobal(QPoint(0, this->height()));
  int y = below.y();
  if (screen_area.isValid()) {
    const int room_below = screen_area.bottom() - below.y();
    const int room_above = top.y() - screen_area.top();
    if (height > room_below && room_above > room_below) {
      height = std::min(height, room_above);
      y = top.y() - height;
    } else {
      height = std::min(height, std::max(room_below, metrics.height() * 6));
    }
  }
  int x = below.x();
  if (screen_area.isValid()) {
    x = std::max(screen_area.left(), std::min(x, screen_area.right() - width));
  }
  popup_->setGeometry(x, y, width, height);
}

void ClassPicker::hidePopup() {
  if (popup_->isVisible()) {
    popup_->hide();
    setFocus(Qt::PopupFocusReason);
  }
  QComboBox::hidePopup();
}

void ClassPicker::keyPressEvent(QKeyEvent* event) {
  const QString text = event->text();
  const bool plain =
      (event->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier)) == 0;
  // Space still opens the popup, as on every combo box.
  if (searchable_ && plain && !text.isEmpty() && text.at(0).isPrint() && !text.at(0).isSpace()) {
    showPopup();
    search_->setText(text);
    return;
  }
  QComboBox::keyPressEvent(event);
}

bool ClassPicker::eventFilter(QObject* watched, QEvent* event) {
  if (watched != search_ || event->type() != QEvent::KeyPress) {
    return QComboBox::eventFilter(watched, event);
  }
  const int page =
      std::max(1, list_->viewport()->height() / std::max(1, list_->sizeHintForRow(0)) - 1);
  switch (static_cast<QKeyEvent*>(event)->key()) {
    case Qt::Key_Down:
      moveHighlight(1);
      return true;
    case Qt::Key_Up:
      moveHighlight(-1);
      return true;
    case Qt::Key_PageDown:
      moveHighlight(page);
      return true;
    case Qt::Key_PageUp:
      moveHighlight(-page);
      return true;
    case Qt::Key_Return:
    case Qt::Key_Enter:
      pick(list_->currentIndex());
      return true;
    case Qt::Key_Escape:
      if (search_->text().isEmpty()) {
        hidePopup();
      } else {
        search_->clear();
      }
      return true;
    default:
      return QComboBox::eventFilter(watched, event);
  }
}

}  // namespace emergence::ui
