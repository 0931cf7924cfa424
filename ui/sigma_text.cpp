#include "sigma_text.h"

#include <cmath>

namespace emergence::ui {
namespace {

QString superscript(int exponent) {
  static const QChar digits[] = {u'⁰', u'¹', u'²', u'³', u'⁴', u'⁵', u'⁶', u'⁷', u'⁸', u'⁹'};
  QString text = exponent < 0 ? QStringLiteral("⁻") : QString();
  for (const QChar c : QString::number(std::abs(exponent))) {
    text += digits[c.digitValue()];
  }
  return text;
}

// Thousands separated by a thin space, the SI way, so the number reads the same in any locale.
QString grouped(long long value) {
  QString digits = QString::number(value);
  for (int i = digits.size() - 3; i > 0; i -= 3) {
    digits.insert(i, QChar(0x2009));
  }
  return digits;
}

}  // namespace

QString sigmaText(double sigma) {
  if (std::isnan(sigma)) {
    return QStringLiteral("–");
  }
  if (std::isinf(sigma)) {
    return QStringLiteral("∞");
  }
  if (sigma == 0.0) {
    return QStringLiteral("0");
  }
  const double magnitude = std::abs(sigma);
  if (magnitude >= 1e6 || magnitude < 1e-3) {
    int exponent = int(std::floor(std::log10(magnitude)));
    double mantissa = sigma / std::pow(10.0, exponent);
    if (std::abs(std::round(mantissa * 10.0)) >= 100.0) {  // 9.96 rounds up to 10.0
      mantissa /= 10.0;
      ++exponent;
    }
    return QStringLiteral("%1·10%2").arg(mantissa, 0, 'f', 1).arg(superscript(exponent));
  }
  if (magnitude >= 999.5) {  // 'g' would write 999.7 as "1e+03"
    const double unit = std::pow(10.0, std::floor(std::log10(magnitude)) - 2.0);
    return grouped(std::llround(std::round(sigma / unit) * unit));
  }
  return QString::number(sigma, 'g', 3);
}

}  // namespace emergence::ui
