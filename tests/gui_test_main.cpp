// The shared main of the widget suites (MuseScore's gmain.cpp): one QApplication for every test,
// isolated settings, and the offscreen platform when no display is set (test discovery included).
#include <gtest/gtest.h>

#include <QApplication>
#include <QStandardPaths>

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
  }
  QStandardPaths::setTestModeEnabled(true);
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("EmergenceTests"));
  QApplication::setApplicationName(QStringLiteral("test_ui"));
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
