/* zones/priv.c - see priv.h */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "priv.h"
#include "util.h"

int
priv_setup(struct priv *p, const char *cl_user, const char *conf_user,
    char *err, size_t errlen)
{
	const char *user = cl_user != NULL ? cl_user : conf_user;
	struct passwd *pw;

	memset(p, 0, sizeof(*p));
	p->uid = geteuid();
	p->gid = getegid();
	if (user == NULL || *user == '\0')
		user = PRIV_USER;
	pw = getpwnam(user);
	if (geteuid() != 0) {
		/* Started as the user already (systemd's User=): the file's
		 * user is for a start as root, and -u may only confirm. */
		if (cl_user != NULL && (pw == NULL || pw->pw_uid != geteuid())) {
			snprintf(err, errlen, "-u %s: only root can switch to "
			    "another user (this runs as uid %lu)", user,
			    (unsigned long)geteuid());
			return RB_EINVAL;
		}
		return RB_OK;
	}
	if (strcmp(user, "root") == 0 || (pw != NULL && pw->pw_uid == 0))
		return RB_OK;	/* asked for by name: stay root */
	if (pw == NULL) {
		snprintf(err, errlen, "started as root, and the user '%s' to "
		    "run as does not exist: create it (adduser --system "
		    "--group %s), name another with -u USER or [global] user, "
		    "or keep root with -u root", user, user);
		return RB_ENOENT;
	}
	if (strlen(pw->pw_name) >= sizeof(p->name)) {
		snprintf(err, errlen, "user '%s': name too long", user);
		return RB_EINVAL;
	}
	p->drop = 1;
	p->uid = pw->pw_uid;
	p->gid = pw->pw_gid;
	memcpy(p->name, pw->pw_name, strlen(pw->pw_name) + 1);
	return RB_OK;
}

int
priv_mkdir(const struct priv *p, const char *dir)
{
	struct stat st;
	int existed = stat(dir, &st) == 0;

	if (mkdir_p(dir) != RB_OK)
		return RB_ESYS;
	/* Only a directory made here: an existing one, maybe ".", keeps the
	 * owner the operator gave it. */
	if (p->drop && !existed && chown(dir, p->uid, p->gid) == -1)
		return RB_ESYS;
	return RB_OK;
}

int
priv_store(const struct priv *p, const char *dir, char *err, size_t errlen)
{
	/* LMDB's two files; the node key, also root's when sync created it
	 * as root, stays root's. */
	static const char *const files[] = { "data.mdb", "lock.mdb" };
	char path[PATH_MAX + 16];
	struct stat st;
	size_t i;

	if (!p->drop)
		return RB_OK;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (lstat(path, &st) == -1 || !S_ISREG(st.st_mode) ||
		    st.st_uid != 0)
			continue;
		if (chown(path, p->uid, p->gid) == -1) {
			snprintf(err, errlen, "%s: cannot give it to %s: %s",
			    path, p->name, strerror(errno));
			return RB_ESYS;
		}
	}
	return RB_OK;
}

int
priv_drop(const struct priv *p, char *err, size_t errlen)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (!p->drop)
		return RB_OK;
	if (initgroups(p->name, p->gid) == -1) {
		snprintf(err, errlen, "initgroups %s: %s", p->name,
		    strerror(errno));
		return RB_ESYS;
	}
	if (setresgid(p->gid, p->gid, p->gid) == -1) {
		snprintf(err, errlen, "setresgid %lu: %s",
		    (unsigned long)p->gid, strerror(errno));
		return RB_ESYS;
	}
	if (setresuid(p->uid, p->uid, p->uid) == -1) {
		snprintf(err, errlen, "setresuid %lu (%s): %s",
		    (unsigned long)p->uid, p->name, strerror(errno));
		return RB_ESYS;
	}
	/* Trust, but verify (OpenSSH's permanently_set_uid). */
	if (getresuid(&ru, &eu, &su) == -1 || getresgid(&rg, &eg, &sg) == -1 ||
	    ru != p->uid || eu != p->uid || su != p->uid ||
	    rg != p->gid || eg != p->gid || sg != p->gid ||
	    getuid() != p->uid || geteuid() != p->uid) {
		snprintf(err, errlen, "switching to %s (uid %lu, gid %lu) did "
		    "not take", p->name, (unsigned long)p->uid,
		    (unsigned long)p->gid);
		return RB_ESYS;
	}
	if (setuid(0) != -1 || seteuid(0) != -1) {
		snprintf(err, errlen, "switched to %s but could become root "
		    "again", p->name);
		return RB_ESYS;
	}
	return RB_OK;
}

void
priv_say(const struct priv *p, int warn_root)
{
	if (p->drop)
		log_info("running as %s (uid %lu, gid %lu)", p->name,
		    (unsigned long)p->uid, (unsigned long)p->gid);
	else if (warn_root && geteuid() == 0)
		log_warnx("running as root, as asked (-u root or [global] "
		    "user = root)");
}
