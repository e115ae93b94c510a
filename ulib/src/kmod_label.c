/*
 * kmod_label.c — TMM_CMD_SET_LABEL over a raw generic netlink socket.
 *
 * One short-lived socket per call: labels are set once per kernel thread,
 * as it starts, so there is nothing to gain from keeping a descriptor open
 * in every tmm process (and one less descriptor for a program to trip on).
 * The family id is resolved once; a missing family is remembered so that a
 * machine without the module pays one failed lookup per process.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/tmm.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "kmod_label.h"

/* 0: not looked up yet; -1: no such family; otherwise its id. */
static int tmm_family_id;

struct genl_request {
	struct nlmsghdr nlh;
	struct genlmsghdr genl;
	char attrs[128];
};

static void put_attr(struct genl_request *req, uint16_t type, const void *data, size_t len)
{
	struct nlattr *nla = (struct nlattr *)((char *)req + NLMSG_ALIGN(req->nlh.nlmsg_len));

	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	memcpy((char *)nla + NLA_HDRLEN, data, len);
	req->nlh.nlmsg_len = NLMSG_ALIGN(req->nlh.nlmsg_len) + NLA_ALIGN(nla->nla_len);
}

static void start_request(struct genl_request *req, uint16_t family, uint8_t cmd, uint8_t version)
{
	memset(req, 0, sizeof(*req));
	req->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	req->nlh.nlmsg_type = family;
	req->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req->nlh.nlmsg_seq = 1;
	req->genl.cmd = cmd;
	req->genl.version = version;
}

static int open_socket(void)
{
	struct timeval timeout = {.tv_sec = 1};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	return fd;
}

/* The u16 CTRL_ATTR_FAMILY_ID in a CTRL_CMD_NEWFAMILY reply, or -1. */
static int family_id_in(const char *buf, ssize_t len)
{
	const struct nlmsghdr *nlh = (const void *)buf;
	const struct nlattr *nla;
	int left;

	if (len < (ssize_t)NLMSG_LENGTH(GENL_HDRLEN) || !NLMSG_OK(nlh, len) ||
	    nlh->nlmsg_type != GENL_ID_CTRL)
		return -1;
	left = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	nla = (const void *)(buf + NLMSG_LENGTH(GENL_HDRLEN));
	while (left >= NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN && nla->nla_len <= left) {
		if ((nla->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID &&
		    nla->nla_len >= NLA_HDRLEN + sizeof(uint16_t)) {
			uint16_t id;

			memcpy(&id, (const char *)nla + NLA_HDRLEN, sizeof(id));
			return id;
		}
		left -= NLA_ALIGN(nla->nla_len);
		nla = (const void *)((const char *)nla + NLA_ALIGN(nla->nla_len));
	}
	return -1;
}

static int resolve_family(int fd)
{
	struct genl_request req;
	char buf[4096];
	ssize_t n;

	start_request(&req, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	req.nlh.nlmsg_flags = NLM_F_REQUEST;
	put_attr(&req, CTRL_ATTR_FAMILY_NAME, TMM_GENL_NAME, sizeof(TMM_GENL_NAME));
	if (send(fd, &req, req.nlh.nlmsg_len, 0) < 0)
		return -1;
	n = recv(fd, buf, sizeof(buf), 0);
	return family_id_in(buf, n);
}

/* Reads the acknowledgement: 0 or the module's positive errno. */
static int read_ack(int fd)
{
	char buf[1024];
	const struct nlmsghdr *nlh = (const void *)buf;
	ssize_t n = recv(fd, buf, sizeof(buf), 0);

	if (n < 0)
		return errno;
	if (!NLMSG_OK(nlh, n) || nlh->nlmsg_type != NLMSG_ERROR ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
		return EPROTO;
	return -((const struct nlmsgerr *)NLMSG_DATA(nlh))->error;
}

int tmm_kmod_label(pid_t tid, const char *label)
{
	int family = __atomic_load_n(&tmm_family_id, __ATOMIC_RELAXED);
	char text[TMM_LABEL_LEN];
	struct genl_request req;
	uint32_t tid32 = tid;
	int fd, err;

	if (family < 0 || tid <= 0 || !label)
		return family < 0 ? ENOENT : EINVAL;
	fd = open_socket();
	if (fd < 0)
		return errno;
	if (family == 0) {
		family = resolve_family(fd);
		__atomic_store_n(&tmm_family_id, family, __ATOMIC_RELAXED);
		if (family < 0) {
			close(fd);
			return ENOENT;
		}
	}
	strncpy(text, label, sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	start_request(&req, family, TMM_CMD_SET_LABEL, TMM_GENL_VERSION);
	put_attr(&req, TMM_A_TID, &tid32, sizeof(tid32));
	put_attr(&req, TMM_A_LABEL, text, strlen(text) + 1);
	err = send(fd, &req, req.nlh.nlmsg_len, 0) < 0 ? errno : read_ack(fd);
	close(fd);
	return err;
}
