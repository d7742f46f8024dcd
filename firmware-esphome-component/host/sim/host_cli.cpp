#include "host_cli.h"

#include <cstdio>
#include <cstdlib>

#include "core_topics.h"

namespace host_cli {

volatile std::sig_atomic_t stop_requested = 0;

bool BrokerOptions::valid() const { return mcp_bridge::is_identifier(this->id) && this->port > 0; }

bool take_broker_option(const std::string &arg, const char *next, BrokerOptions &options) {
  if (arg == "--host")
    options.host = next;
  else if (arg == "--port")
    options.port = std::atoi(next);
  else if (arg == "--id")
    options.id = next;
  else
    return false;
  return true;
}

int begin(bool parsed, bool help, const char *usage) {
  if (!parsed) {
    std::fputs(usage, stderr);
    return 2;
  }
  if (help) {
    std::fputs(usage, stdout);
    return 0;
  }
  std::signal(SIGTERM, [](int) { stop_requested = 1; });
  std::signal(SIGINT, [](int) { stop_requested = 1; });
  return -1;
}

}  // namespace host_cli
