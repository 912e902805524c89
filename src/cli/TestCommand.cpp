#include "cli/TestCommand.h"

#include <fmt/format.h>
#include <mt3620emu/Machine.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <tuple>

#include "DefaultBoard.h"
#include "scenario/JUnit.h"
#include "scenario/Scenario.h"
#include "scenario/ScenarioRunner.h"

namespace mt3620::cli {

namespace sc = mt3620::scenario;

namespace {

// --- Results across fork(): a child writes its result to a temporary file --------------------

void putString(std::string& out, const std::string& s) {
    out += std::to_string(s.size());
    out += '\n';
    out += s;
}
void putNumber(std::string& out, std::uint64_t v) { putString(out, std::to_string(v)); }

class Reader {
public:
    explicit Reader(std::string data) : data_(std::move(data)) {}
    std::string string() {
        std::size_t nl = data_.find('\n', pos_);
        if (nl == std::string::npos) throw std::runtime_error("truncated result");
        std::size_t len = std::stoull(data_.substr(pos_, nl - pos_));
        if (nl + 1 + len > data_.size()) throw std::runtime_error("truncated result");
        std::string s = data_.substr(nl + 1, len);
        pos_ = nl + 1 + len;
        return s;
    }
    std::uint64_t number() { return std::stoull(string()); }

private:
    std::string data_;
    std::size_t pos_ = 0;
};

std::string serialize(const sc::ScenarioResult& r) {
    std::string out;
    putNumber(out, r.passed ? 1 : 0);
    putString(out, r.failure);
    putNumber(out, r.virtual_time);
    putString(out, fmt::format("{}", r.host_seconds));
    putString(out, r.machine_log);
    putNumber(out, r.uarts.size());
    for (const sc::UartLog& u : r.uarts) {
        putString(out, u.name);
        putString(out, u.partial);
        putString(out, u.raw);
        putNumber(out, u.lines.size());
        for (const auto& l : u.lines) {
            putNumber(out, l.time);
            putString(out, l.text);
        }
    }
    return out;
}

void deserialize(const std::string& data, sc::ScenarioResult& r) {
    Reader in(data);
    r.passed = in.number() != 0;
    r.failure = in.string();
    r.virtual_time = in.number();
    r.host_seconds = std::stod(in.string());
    r.machine_log = in.string();
    std::size_t n = in.number();
    for (std::size_t i = 0; i < n; ++i) {
        sc::UartLog u;
        u.name = in.string();
        u.partial = in.string();
        u.raw = in.string();
        std::size_t lines = in.number();
        for (std::size_t k = 0; k < lines; ++k) {
            Picos t = in.number();
            u.lines.push_back({t, in.string()});
        }
        r.uarts.push_back(std::move(u));
    }
}

void printResult(const sc::ScenarioResult& r, std::size_t tail_lines) {
    if (r.passed) {
        std::printf("PASS %s: %s (%s virtual, %.2f s host)\n", r.file.c_str(), r.name.c_str(),
                    formatSeconds(r.virtual_time).c_str(), r.host_seconds);
    } else {
        std::printf("FAIL %s: %s\n", r.file.c_str(), r.failure.c_str());
        for (const sc::UartLog& u : r.uarts)
            std::printf("  %s, last lines:\n%s", u.name.c_str(), sc::ScenarioResult::tail(u, tail_lines).c_str());
    }
    std::fflush(stdout);
}

sc::ScenarioResult baseResult(const sc::Scenario& s) {
    sc::ScenarioResult r;
    r.file = s.file;
    r.name = s.name;
    r.stem = s.stem();
    return r;
}

/// Runs scenarios in up to `jobs` child processes; calls `done(i)` in file order.
void runForked(const std::vector<sc::Scenario>& scenarios, std::vector<sc::ScenarioResult>& results,
               const sc::RunOptions& run_opts, unsigned jobs, const std::function<void(std::size_t)>& done) {
    struct Child {
        std::size_t index;
        std::string path;
    };
    std::map<pid_t, Child> running;
    std::vector<bool> finished(scenarios.size(), false);
    std::size_t next = 0, printed = 0;
    const char* tmp = std::getenv("TMPDIR");
    std::string dir = tmp && *tmp ? tmp : "/tmp";

    auto collect = [&](pid_t pid, int status) {
        auto it = running.find(pid);
        if (it == running.end()) return;
        Child c = it->second;
        running.erase(it);
        sc::ScenarioResult& r = results[c.index];
        std::ifstream in(c.path, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        ::unlink(c.path.c_str());
        bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (ok) {
            try {
                deserialize(ss.str(), r);
            } catch (const std::exception& e) {
                ok = false;
            }
        }
        if (!ok) {
            r.passed = false;
            r.failure = WIFSIGNALED(status) ? fmt::format("the emulator crashed running it (signal {}: {})",
                                                          WTERMSIG(status), strsignal(WTERMSIG(status)))
                                            : "the emulator process running it failed";
        }
        finished[c.index] = true;
        while (printed < scenarios.size() && finished[printed]) done(printed++);
    };

    while (printed < scenarios.size()) {
        while (running.size() < jobs && next < scenarios.size()) {
            std::string path = dir + "/mt3620-emu-test-XXXXXX";
            int fd = ::mkstemp(path.data());
            if (fd < 0) throw std::runtime_error(fmt::format("cannot create a temporary file in {}: {}", dir, std::strerror(errno)));
            std::fflush(stdout);
            std::fflush(stderr);
            pid_t pid = ::fork();
            if (pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
            if (pid == 0) {
                sc::ScenarioResult r = sc::runScenario(scenarios[next], run_opts);
                std::string data = serialize(r);
                const char* p = data.data();
                std::size_t left = data.size();
                while (left > 0) {
                    ssize_t n = ::write(fd, p, left);
                    if (n <= 0) ::_exit(3);
                    p += n;
                    left -= static_cast<std::size_t>(n);
                }
                ::close(fd);
                ::_exit(0);
            }
            ::close(fd);
            running[pid] = Child{next, path};
            ++next;
        }
        int status = 0;
        pid_t pid = ::waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error(fmt::format("waitpid: {}", std::strerror(errno)));
        }
        collect(pid, status);
    }
}

}  // namespace

void addTestOptions(CLI::App& cmd, TestOptions& o) {
    cmd.add_option("scenarios", o.files, "Scenario files (YAML, see docs/scenarios.md)")->required();
    cmd.add_option("--junit", o.junit, "Write JUnit XML results to this file (one testcase per scenario)");
    cmd.add_option("-j,--jobs", o.jobs, "Run this many scenarios at once, each in its own process")
        ->check(CLI::Range(1u, 256u))
        ->capture_default_str();
    cmd.add_option("--firmware-dir", o.firmware_dir, "Value of ${FIRMWARE_DIR} in scenario paths (default: the environment's)");
    cmd.add_option("--var", o.vars, "Set ${NAME} for scenario paths: NAME=VALUE; repeatable")
        ->allow_extra_args(false);
    cmd.add_option("--log-level", o.log_level, "Machine log level kept per scenario (JUnit system-err)")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
        ->capture_default_str();
    cmd.add_option("--tail", o.tail_lines, "UART lines shown after a failure")->capture_default_str();
    cmd.add_option("--gdb-m4-0", o.gdb_m4_0, "Serve GDB for M4 core 0 on this TCP port while each scenario runs");
    cmd.add_option("--gdb-m4-1", o.gdb_m4_1, "Serve GDB for M4 core 1 on this TCP port while each scenario runs");
    cmd.add_option("--gdb-host", o.gdb_host, "Address the GDB servers listen on")->capture_default_str();
    cmd.add_flag("--gdb-wait", o.gdb_wait, "Start each scenario with the debugged cores halted until a debugger attaches");
}

int testCommand(const TestOptions& o) {
    sc::ParseOptions parse;
    parse.default_board_name = "mt3620-rdb";
    parse.default_board_yaml = kDefaultBoardYaml;
    for (const std::string& v : o.vars) {
        auto eq = v.find('=');
        if (eq == std::string::npos || eq == 0) {
            std::fprintf(stderr, "test: --var '%s': expected NAME=VALUE\n", v.c_str());
            return 2;
        }
        parse.variables[v.substr(0, eq)] = v.substr(eq + 1);
    }
    // A relative --firmware-dir is relative to where the command runs, not to each scenario.
    if (!o.firmware_dir.empty()) parse.variables["FIRMWARE_DIR"] = std::filesystem::absolute(o.firmware_dir).string();
    // ${HL_APPS_DIR}: the HL sample apps built next to this executable, unless set.
    if (!parse.variables.count("HL_APPS_DIR") && !std::getenv("HL_APPS_DIR")) {
        std::error_code ec;
        const auto apps = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path() / "hl-apps" / "apps";
        if (!ec && std::filesystem::is_directory(apps, ec)) parse.variables["HL_APPS_DIR"] = apps.string();
    }

    // Read and check every file before anything runs.
    std::vector<sc::Scenario> scenarios;
    int refused = 0;
    for (const std::string& file : o.files) {
        try {
            scenarios.push_back(sc::ScenarioFile::load(file, parse));
        } catch (const std::exception& e) {
            std::fprintf(stderr, "%s\n", e.what());
            ++refused;
        }
    }
    if (refused) {
        std::fprintf(stderr, "test: %d scenario file%s refused; nothing was run\n", refused, refused > 1 ? "s" : "");
        return 2;
    }

    sc::RunOptions run_opts;
    run_opts.log_level = o.log_level;
    // GDB: servers are attached to each scenario's machine and serve between rounds; virtual
    // time stands still while a debugger holds a core (all-stop), as with `run`.
    const bool want_gdb = o.gdb_m4_0 >= 0 || o.gdb_m4_1 >= 0;
    if (want_gdb && o.jobs > 1 && scenarios.size() > 1) {
        std::fprintf(stderr, "test: the GDB options need --jobs 1 (one scenario at a time on the port)\n");
        return 2;
    }
    if (want_gdb) {
        run_opts.on_machine_ready = [&](mt3620emu::Machine& machine) {
            using mt3620emu::Core;
            for (auto [core, name, port] : {std::tuple{Core::M4_0, "m4-0", o.gdb_m4_0}, std::tuple{Core::M4_1, "m4-1", o.gdb_m4_1}}) {
                if (port < 0) continue;
                int bound = 0;
                try {
                    bound = machine.attachGdb(core, {port, o.gdb_host, o.gdb_wait});
                } catch (const mt3620emu::Error& e) {
                    throw std::runtime_error(std::string("gdb: ") + e.what());
                }
                std::fprintf(stderr, "test: GDB for %s on %s:%d\n", name, o.gdb_host.c_str(), bound);
            }
        };
    }
    std::vector<sc::ScenarioResult> results;
    for (const sc::Scenario& s : scenarios) results.push_back(baseResult(s));
    auto report = [&](std::size_t i) { printResult(results[i], o.tail_lines); };
    try {
        if (o.jobs <= 1 || scenarios.size() == 1) {
            for (std::size_t i = 0; i < scenarios.size(); ++i) {
                results[i] = sc::runScenario(scenarios[i], run_opts);
                report(i);
            }
        } else {
            runForked(scenarios, results, run_opts, o.jobs, report);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "test: %s\n", e.what());
        return 2;
    }

    std::size_t failed = 0;
    for (const sc::ScenarioResult& r : results) failed += r.passed ? 0 : 1;
    std::printf("%zu scenario%s: %zu passed, %zu failed\n", results.size(), results.size() == 1 ? "" : "s",
                results.size() - failed, failed);
    std::fflush(stdout);

    if (!o.junit.empty()) {
        std::ofstream out(o.junit, std::ios::binary | std::ios::trunc);
        out << sc::junitXml(results);
        out.close();
        if (!out) {
            std::fprintf(stderr, "test: cannot write JUnit results to '%s'\n", o.junit.c_str());
            return 2;
        }
    }
    return failed ? 1 : 0;
}

}  // namespace mt3620::cli
