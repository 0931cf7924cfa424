#include "message_banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

namespace emergence::ui {

MessageBanner::MessageBanner(QWidget* parent) : QFrame(parent), label_(new QLabel(this)) {
  setObjectName(QStringLiteral("messageBanner"));
  label_->setWordWrap(true);
  label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* close = new QToolButton(this);
  close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
  close->setAutoRaise(true);
  close->setToolTip(tr("Dismiss"));
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(8, 4, 4, 4);
  layout->addWidget(label_, 1);
  layout->addWidget(close, 0, Qt::AlignTop);
  connect(close, &QToolButton::clicked, this, &QWidget::hide);
  hide();
}

void MessageBanner::showError(const QString& message) {
  showStyled(message, QStringLiteral("#messageBanner { background: #f8d7da; color: #58151c; "
                                     "border: 1px solid #f1aeb5; border-radius: 4px; }"));
}

void MessageBanner::showNotice(const QString& message) {
  showStyled(message, QStringLiteral("#messageBanner { background: #fff3cd; color: #664d03; "
                                     "border: 1px solid #ffe69c; border-radius: 4px; }"));
}

QString MessageBanner::text() const { return isHidden() ? QString() : label_->text(); }

void MessageBanner::showStyled(const QString& message, const QString& style) {
  setStyleSheet(style);
  label_->setText(message);
  show();
}

}  // namespace emergence::ui
