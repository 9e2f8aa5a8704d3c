// ukmon-podnet: gives a baked executable the pod's network, the way the pod has it. Inside
// the container's network namespace it makes a TAP, wires it to the pod interface (a tc
// mirred redirect each way), runs the executable with the TAP as its net device and the pod
// interface's MAC, hands the address, mask, gateway and MTU to the guest, and removes what
// it made when the executable ends. See docs/deploy.md.
//   ukmon-podnet [--dev eth0] [--tap tap0] [--net NAME] -- APP [ARG...]
// In ARG, {ip} {prefix} {mask} {gateway} {mac} {mtu} become the pod interface's values.
// Exit status: the executable's; 252 bad usage; 253 the network could not be set up.
#include "iface.hpp"
#include "tc.hpp"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

constexpr int kUsage = 252, kHost = 253;
volatile sig_atomic_t g_child = 0;

// Stopping the container stops the executable; podnet then cleans up and exits after it.
void forward(int sig)
{
    if (g_child > 0)
        ::kill(g_child, sig);
}

std::string expand(std::string arg, const podnet::Iface& i)
{
    const std::pair<std::string, std::string> vars[] = {
        {"{ip}", i.ip}, {"{prefix}", std::to_string(i.prefix)}, {"{mask}", i.mask},
        {"{gateway}", i.gateway}, {"{mac}", i.mac}, {"{mtu}", std::to_string(i.mtu)}};
    for (const auto& [key, value] : vars)
        for (size_t at; (at = arg.find(key)) != std::string::npos;)
            arg.replace(at, key.size(), value);
    return arg;
}

int usage(const char* why)
{
    std::fprintf(stderr, "ukmon-podnet: %s\nusage: ukmon-podnet [--dev eth0] [--tap tap0] [--net NAME] -- APP [ARG...]\n", why);
    return kUsage;
}

int run(const std::vector<std::string>& argv)
{
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    struct sigaction sa {};
    sa.sa_handler = forward;
    for (int s : {SIGTERM, SIGINT, SIGHUP})
        ::sigaction(s, &sa, nullptr);
    pid_t pid = ::fork();
    if (pid < 0)
        return kHost;
    if (pid == 0) {
        ::execv(args[0], args.data());
        std::fprintf(stderr, "ukmon-podnet: %s: %s\n", args[0], std::strerror(errno));
        ::_exit(kHost);
    }
    g_child = pid;
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

int main(int argc, char** argv)
{
    std::string dev = "eth0", tap = "tap0", net = "service";
    int i = 1;
    for (; i < argc; i += 2) {
        std::string opt = argv[i];
        if (opt == "--") {
            ++i;
            break;
        }
        if (i + 1 >= argc)
            return usage(("option '" + opt + "' needs a value").c_str());
        if (opt == "--dev") dev = argv[i + 1];
        else if (opt == "--tap") tap = argv[i + 1];
        else if (opt == "--net") net = argv[i + 1];
        else return usage(("unknown option '" + opt + "'").c_str());
    }
    if (i >= argc)
        return usage("no executable to run");

    podnet::Iface pod;
    int tap_index = 0;
    try {
        pod = podnet::read_iface(dev);
        tap_index = podnet::create_tap(tap, pod.mtu);
    } catch (const podnet::Failure& f) {
        std::fprintf(stderr, "ukmon-podnet: %s\n", f.what.c_str());
        return kHost;
    }
    int status = kHost;
    try {
        podnet::redirect_ingress(pod.index, tap_index);
        podnet::redirect_ingress(tap_index, pod.index);
        std::vector<std::string> cmd{argv[i], "--net:" + net + "=" + tap, "--net-mac:" + net + "=" + pod.mac};
        for (int k = i + 1; k < argc; ++k)
            cmd.push_back(expand(argv[k], pod));
        std::fprintf(stderr, "ukmon-podnet: %s %s/%d gateway %s mac %s mtu %d on %s via %s\n", dev.c_str(),
                     pod.ip.c_str(), pod.prefix, pod.gateway.empty() ? "none" : pod.gateway.c_str(),
                     pod.mac.c_str(), pod.mtu, net.c_str(), tap.c_str());
        status = run(cmd);
    } catch (const podnet::Failure& f) {
        std::fprintf(stderr, "ukmon-podnet: %s\n", f.what.c_str());
    }
    podnet::remove_ingress(pod.index);
    podnet::delete_tap(tap);  // the TAP's own ingress qdisc goes with it
    return status;
}
