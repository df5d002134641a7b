/*
 * zones/priv.h - giving up root, as NSD and OpenSMTPD do.
 *
 * A daemon started as root opens what needs root first (its sockets, its
 * files, the store), then switches for good to an unprivileged user:
 * -u USER, else [global] user, default "rebond".  The user must exist:
 * started as root with a user that does not, a daemon refuses to run
 * rather than keep root; only "root", named explicitly (-u root or
 * user = root), keeps root.  Started as another user (systemd's User=),
 * [global] user is not used, and -u may only name that same user.
 *
 * The order in main():
 *
 *	priv_setup(&p, cl_user, conf.user, ...)	 decide, fail early
 *	priv_mkdir(&p, conf.state_dir)		 the state directory
 *	store_open(...); bind the sockets; read the key
 *	priv_store(&p, conf.state_dir)		 store files root created
 *	priv_drop(&p, ...)			 setgroups, setgid, setuid
 *
 * Functions return 0 or a negative RB_E* code and, on error, write a
 * one-line reason into err.
 */
#ifndef REBOND_PRIV_H
#define REBOND_PRIV_H

#include <stddef.h>
#include <sys/types.h>

#define PRIV_USER	"rebond"	/* [global] user's default */

struct priv {
	int	 drop;		/* 1: running as root, priv_drop() switches */
	uid_t	 uid;		/* the user run as after priv_drop() */
	gid_t	 gid;
	char	 name[64];
};

/* Decide who the program runs as.  cl_user: -u, or NULL; conf_user:
 * [global] user.  RB_ENOENT if the user does not exist (running as
 * root), RB_EINVAL if -u names another user than the one running (not
 * root); err says what to do.  p->drop tells whether priv_drop() will
 * switch; p->uid is the user the program ends up as either way. */
int	priv_setup(struct priv *p, const char *cl_user, const char *conf_user,
	    char *err, size_t errlen);

/* mkdir_p(dir) and, when priv_drop() is to switch and dir is new, give
 * it to the user.  0 or RB_ESYS (errno set). */
int	priv_mkdir(const struct priv *p, const char *dir);

/* When priv_drop() is to switch: give the user the store files of dir
 * (data.mdb, lock.mdb) that root owns, so that it and rebondctl run as
 * the user can open them later.  0 or RB_ESYS, with err. */
int	priv_store(const struct priv *p, const char *dir, char *err,
	    size_t errlen);

/* Switch to the user for good: supplementary groups (initgroups), gid,
 * uid, all three ids of each; then check that the switch holds (real,
 * effective and saved ids are the user's, setuid(0) fails).  Does
 * nothing if p->drop is 0.  0 or RB_ESYS, with err: the caller exits. */
int	priv_drop(const struct priv *p, char *err, size_t errlen)
	    __attribute__((warn_unused_result));
/* After priv_drop(): log the user the daemon runs as, or warn that root
 * was kept on purpose (warn_root 0: a one-shot run, nothing to say). */
void	priv_say(const struct priv *, int warn_root);

#endif
