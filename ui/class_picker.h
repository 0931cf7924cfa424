#pragma once

#include <QComboBox>
#include <QStringList>
#include <string>
#include <vector>

class QFrame;
class QLabel;
class QLineEdit;
class QModelIndex;
class QStandardItemModel;
class QTreeView;

namespace emergence::ui {

// The class a class-conditional model draws: a combo box whose items carry the class label as
// their data (-1 for "Unconditional"), so currentData(), findData() and currentIndexChanged work
// as on any combo. Models with class groups (the emoji model's Unicode subgroups under their
// groups) or with many classes open a search popup instead of the plain list: a search field
// over the classes listed under non-selectable group headings, filtered as one types (class
// and group names, case-insensitive, "-" reads as a space); ↑/↓ move, Enter picks the
// highlighted (first) match, Esc clears the search and then closes. Typing on the closed picker
// opens the popup with what was typed.
class ClassPicker : public QComboBox {
  Q_OBJECT

 public:
  explicit ClassPicker(QWidget* parent = nullptr);

  // Models without groups and with more classes than this get the search popup too.
  static constexpr int kSearchAbove = 12;

  // "Unconditional" and then the classes; groups is one heading per class or empty (no groups;
  // a list of another length counts as none). No names: an empty picker.
  void setClasses(const std::vector<std::string>& names, const std::vector<std::string>& groups);
  // Whether the picker opens its search popup rather than the plain combo list.
  bool searchable() const { return searchable_; }

  void showPopup() override;
  void hidePopup() override;

  // Test hooks: the popup, its search field and its list (headings with their classes).
  QFrame* searchPopup() const { return popup_; }
  QLineEdit* searchBox() const { return search_; }
  QTreeView* classList() const { return list_; }
  // What the popup's list shows now, top to bottom: headings as "# name", classes by name.
  QStringList shownRows() const;
  // The class the popup highlights (Enter picks it); -2 when none.
  qint64 highlightedClass() const;

 protected:
  void keyPressEvent(QKeyEvent* event) override;
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void buildList(const std::vector<std::string>& names, const std::vector<std::string>& groups);
  void applyFilter(const QString& text);
  // The visible classes of the list, in order.
  std::vector<QModelIndex> shownClasses() const;
  void highlight(const QModelIndex& index);
  void moveHighlight(int by);
  void pick(const QModelIndex& index);
  void placePopup();

  bool searchable_ = false;
  QFrame* popup_;
  QLineEdit* search_;
  QTreeView* list_;
  QLabel* no_match_;
  QStandardItemModel* list_model_;
};

}  // namespace emergence::ui
