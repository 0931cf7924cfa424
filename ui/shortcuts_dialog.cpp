#include "shortcuts_dialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace emergence::ui {
namespace {

QString plain(QString text) {
  text.remove(QLatin1Char('&'));
  text.remove(QStringLiteral("…"));
  return text.trimmed();
}

void add_menu(QTreeWidget* tree, const QMenu* menu, const QString& path) {
  QTreeWidgetItem* group = nullptr;
  for (const QAction* action : menu->actions()) {
    if (action->menu() != nullptr) {
      add_menu(tree, action->menu(), path + QStringLiteral(" › ") + plain(action->text()));
      continue;
    }
    if (action->shortcuts().isEmpty()) {
      continue;
    }
    if (group == nullptr) {
      group = new QTreeWidgetItem(tree, {path});
      group->setFirstColumnSpanned(true);
    }
    QStringList keys;
    for (const QKeySequence& key : action->shortcuts()) {
      keys << key.toString(QKeySequence::NativeText);
    }
    new QTreeWidgetItem(group, {keys.join(QStringLiteral(", ")), plain(action->text())});
  }
}

}  // namespace

ShortcutsDialog::ShortcutsDialog(const QMenuBar* menus, QWidget* parent)
    : QDialog(parent), tree_(new QTreeWidget(this)) {
  setWindowTitle(tr("Keyboard Shortcuts"));
  tree_->setColumnCount(2);
  tree_->setHeaderLabels({tr("Key"), tr("What it does")});
  tree_->setRootIsDecorated(false);
  tree_->setSelectionMode(QAbstractItemView::NoSelection);
  tree_->setFocusPolicy(Qt::NoFocus);
  for (const QAction* action : menus->actions()) {
    if (action->menu() != nullptr) {
      add_menu(tree_, action->menu(), plain(action->text()));
    }
  }
  auto* mouse = new QTreeWidgetItem(tree_, {tr("Mouse")});
  mouse->setFirstColumnSpanned(true);
  new QTreeWidgetItem(mouse, {tr("Wheel on the image"), tr("Zoom in / out")});
  new QTreeWidgetItem(mouse, {tr("Drag the image"), tr("Pan (when zoomed in)")});
  new QTreeWidgetItem(mouse, {tr("Drag on the start image"),
                              tr("Paint with the chosen tool (brush, fill, mask, erase)")});
  new QTreeWidgetItem(mouse, {tr("Middle-drag"), tr("Pan, also while painting")});
  new QTreeWidgetItem(mouse, {tr("Click or drag the thumbnails"), tr("Go to that frame")});
  tree_->expandAll();
  tree_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  tree_->header()->setStretchLastSection(true);

  auto* note = new QLabel(
      tr("The timeline keys work wherever the focus is, except while a text field is being "
         "edited or a slider, list or button uses the key itself."),
      this);
  note->setWordWrap(true);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(tree_, 1);
  layout->addWidget(note);
  layout->addWidget(buttons);
  resize(520, 560);
}

QStringList ShortcutsDialog::entries() const {
  QStringList rows;
  for (int g = 0; g < tree_->topLevelItemCount(); ++g) {
    const QTreeWidgetItem* group = tree_->topLevelItem(g);
    for (int i = 0; i < group->childCount(); ++i) {
      rows << group->child(i)->text(0) + QStringLiteral(" — ") + group->child(i)->text(1);
    }
  }
  return rows;
}

}  // namespace emergence::ui
