#include "process.hpp"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "snac/core/error.hpp"

namespace snac::hls::detail {

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& cwd) {
    int fds[2];
    if (::pipe(fds) != 0) throw Error(std::string("pipe() failed: ") + std::strerror(errno));
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        throw Error(std::string("fork() failed: ") + std::strerror(errno));
    }
    if (pid == 0) {
        // The compiler or simulator dies with snac (Ctrl-C, SIGTERM, a crash) instead of running
        // on as an orphan that keeps writing into the project; re-check the parent for the race
        // where it died before prctl.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(128 + SIGTERM);
        ::dup2(fds[1], STDOUT_FILENO);
        ::dup2(fds[1], STDERR_FILENO);
        ::close(fds[0]);
        ::close(fds[1]);
        if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        const char msg[] = "exec failed\n";
        [[maybe_unused]] const auto n = ::write(STDERR_FILENO, msg, sizeof msg - 1);
        ::_exit(127);
    }
    ::close(fds[1]);
    ProcessResult result;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n > 0)
            result.output.append(buf, static_cast<std::size_t>(n));
        else if (n == 0 || errno != EINTR)
            break;
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) throw Error(std::string("waitpid() failed: ") + std::strerror(errno));
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (result.exit_code == 127 && result.output.find("exec failed") != std::string::npos)
        throw Error("cannot run '" + argv[0] + "'", "install it or put it on PATH");
    return result;
}

bool on_path(const std::string& program) {
    const char* path = std::getenv("PATH");
    if (path == nullptr) return false;
    std::stringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        if (dir.empty()) continue;
        const std::string full = dir + "/" + program;
        if (::access(full.c_str(), X_OK) == 0) return true;
    }
    return false;
}

}  // namespace snac::hls::detail
