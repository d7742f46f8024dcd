// The command line both host devices share (mcpb-device, mcpb-esphome-device): the broker
// options, usage on a bad option (exit 2) or on --help (exit 0), and SIGTERM/SIGINT as a stop
// request their loops poll.
#pragma once

#include <csignal>
#include <string>

namespace host_cli {

struct BrokerOptions {
  std::string host{"127.0.0.1"};
  int port{1883};
  std::string id;
  /** A legal device id and a port. */
  bool valid() const;
};

/** Takes --host, --port or --id with its value `next`; false when `arg` is none of them. */
bool take_broker_option(const std::string &arg, const char *next, BrokerOptions &options);

/**
 * After parsing: prints `usage` and returns the exit code (2 when `parsed` is false, 0 for
 * --help), or returns -1 and installs the SIGTERM/SIGINT handlers that set stop_requested.
 */
int begin(bool parsed, bool help, const char *usage);

extern volatile std::sig_atomic_t stop_requested;

}  // namespace host_cli
