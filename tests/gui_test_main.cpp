// The shared main of the widget suites (MuseScore's gmain.cpp): one QApplication for every test,
// isolated settings (per process), and the offscreen platform when no display is set (test
// discovery included).
#include <gtest/gtest.h>

#include <QApplication>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
  }
  QStandardPaths::setTestModeEnabled(true);
  QApplication app(argc, argv);
  // Each test process its own settings: ctest runs the suites' tests side by side, and one that
  // remembers an export scale must not change what another reads as its default.
  const QTemporaryDir settings_dir;
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings_dir.path());
  QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings_dir.path());
  QApplication::setOrganizationName(QStringLiteral("EmergenceTests"));
  QApplication::setApplicationName(QStringLiteral("test_ui"));
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
