// tc over rtnetlink, as `tc qdisc add dev X ingress` and `tc filter add dev X parent ffff:
// protocol all u32 match u32 0 0 action mirred egress redirect dev Y` would send it.
// u32 rather than matchall: u32 is in every kernel that has tc actions (matchall is not).
#include "tc.hpp"

#include "iface.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace podnet {
namespace {

constexpr unsigned kIngressHandle = TC_H_MAKE(TC_H_INGRESS, 0);  // ffff:

// One rtnetlink request with a tcmsg header and nested attributes, built in place.
class Message {
public:
    Message(int type, int flags, int ifindex)
    {
        h_ = reinterpret_cast<nlmsghdr*>(buf_);
        h_->nlmsg_len = NLMSG_LENGTH(sizeof(tcmsg));
        h_->nlmsg_type = static_cast<unsigned short>(type);
        h_->nlmsg_flags = static_cast<unsigned short>(NLM_F_REQUEST | NLM_F_ACK | flags);
        tc()->tcm_family = AF_UNSPEC;
        tc()->tcm_ifindex = ifindex;
    }
    tcmsg* tc() { return static_cast<tcmsg*>(NLMSG_DATA(h_)); }
    void put(int type, const void* data, size_t len)
    {
        size_t at = NLMSG_ALIGN(h_->nlmsg_len);
        if (at + RTA_SPACE(len) > sizeof buf_)
            throw Failure{"tc request too long"};
        auto* a = reinterpret_cast<rtattr*>(buf_ + at);
        a->rta_type = static_cast<unsigned short>(type);
        a->rta_len = static_cast<unsigned short>(RTA_LENGTH(len));
        std::memcpy(RTA_DATA(a), data, len);
        h_->nlmsg_len = static_cast<unsigned>(at + RTA_SPACE(len));
    }
    void put(int type, const std::string& s) { put(type, s.c_str(), s.size() + 1); }
    size_t begin(int type)
    {
        size_t at = NLMSG_ALIGN(h_->nlmsg_len);
        put(type, nullptr, 0);
        return at;
    }
    void end(size_t at)
    {
        reinterpret_cast<rtattr*>(buf_ + at)->rta_len = static_cast<unsigned short>(h_->nlmsg_len - at);
    }
    // Sends it and waits for the kernel's ack; returns 0 or the kernel's errno.
    int send() const
    {
        int s = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (s < 0)
            throw Failure{std::string("netlink socket: ") + std::strerror(errno)};
        int err = EIO;
        if (::send(s, buf_, h_->nlmsg_len, 0) == static_cast<ssize_t>(h_->nlmsg_len)) {
            alignas(nlmsghdr) char reply[4096];
            ssize_t n = ::recv(s, reply, sizeof reply, 0);
            auto* r = reinterpret_cast<nlmsghdr*>(reply);
            if (n >= static_cast<ssize_t>(NLMSG_LENGTH(sizeof(nlmsgerr))) && r->nlmsg_type == NLMSG_ERROR)
                err = -static_cast<nlmsgerr*>(NLMSG_DATA(r))->error;
        }
        ::close(s);
        return err;
    }

private:
    alignas(nlmsghdr) char buf_[1024]{};
    nlmsghdr* h_;
};

}  // namespace

void redirect_ingress(int from_index, int to_index)
{
    Message q(RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, from_index);
    q.tc()->tcm_handle = kIngressHandle;
    q.tc()->tcm_parent = TC_H_INGRESS;
    q.put(TCA_KIND, std::string("ingress"));
    if (int e = q.send())
        throw Failure{"ingress qdisc on interface " + std::to_string(from_index) + ": " + std::strerror(e)};

    Message f(RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, from_index);
    f.tc()->tcm_parent = kIngressHandle;
    f.tc()->tcm_info = TC_H_MAKE(1u << 16, htons(ETH_P_ALL));  // priority 1, every protocol
    f.put(TCA_KIND, std::string("u32"));
    size_t opts = f.begin(TCA_OPTIONS);
    // A selector with one key of mask 0 and value 0 (all zero bytes): it matches every frame.
    alignas(tc_u32_sel) unsigned char sel[sizeof(tc_u32_sel) + sizeof(tc_u32_key)]{};
    tc_u32_sel head{};
    head.flags = TC_U32_TERMINAL;
    head.nkeys = 1;
    std::memcpy(sel, &head, sizeof head);
    f.put(TCA_U32_SEL, sel, sizeof sel);
    size_t acts = f.begin(TCA_U32_ACT);
    size_t act = f.begin(1);  // the first action
    f.put(TCA_ACT_KIND, std::string("mirred"));
    size_t aopts = f.begin(TCA_ACT_OPTIONS);
    tc_mirred m{};
    m.action = TC_ACT_STOLEN;
    m.eaction = TCA_EGRESS_REDIR;
    m.ifindex = static_cast<__u32>(to_index);
    f.put(TCA_MIRRED_PARMS, &m, sizeof m);
    f.end(aopts);
    f.end(act);
    f.end(acts);
    f.end(opts);
    if (int e = f.send())
        throw Failure{"u32 mirred filter on interface " + std::to_string(from_index) + ": " + std::strerror(e)};
}

void remove_ingress(int index)
{
    Message q(RTM_DELQDISC, 0, index);
    q.tc()->tcm_handle = kIngressHandle;
    q.tc()->tcm_parent = TC_H_INGRESS;
    q.send();  // ENOENT or EINVAL when there is none: nothing to undo
}

}  // namespace podnet
