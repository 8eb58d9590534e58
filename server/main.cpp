// Entry point of the lessonvault server; everything else is in server/app.h.
#include <exception>
#include <iostream>

#include "server/app.h"

int main(int argc, char** argv) {
  try {
    server::LessonVaultServer app;
    return app.run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "lessonvault: " << e.what() << std::endl;
    return Poco::Util::Application::EXIT_SOFTWARE;
  }
}
