/* tests/zones/test_log.c - levels, prefixes, errno, and fatal's exit. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../tap.h"
#include "log.h"

static char path[] = "/tmp/rebond-testlog.XXXXXX";

/* What the logger wrote to stderr since the last call. */
static const char *
captured(void)
{
	static char buf[4096];
	FILE *f;
	size_t n;

	fflush(stderr);
	if ((f = fopen(path, "r")) == NULL)
		return "";
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	if (truncate(path, 0) == -1)
		return "";
	return buf;
}

int
main(void)
{
	int fd, saved, status;
	pid_t pid;

	if ((fd = mkstemp(path)) == -1)
		return 1;
	close(fd);
	saved = dup(STDERR_FILENO);
	if (freopen(path, "a", stderr) == NULL)
		return 1;

	log_init("testprog", 1, LOG_LVL_INFO);
	log_warnx("plain %d", 42);
	is_str(captured(), "testprog: plain 42\n", "warnx: program prefix");
	errno = ENOENT;
	log_warn("open %s", "x.conf");
	is_str(captured(), "testprog: open x.conf: No such file or directory\n",
	    "warn: strerror appended");
	errno = EACCES;
	log_info("info line");
	ok(errno == EACCES, "errno preserved across logging");
	is_str(captured(), "testprog: info line\n", "info shown at info level");
	log_debug("hidden");
	is_str(captured(), "", "debug hidden at info level");
	log_setlevel(LOG_LVL_DEBUG);
	log_debug("shown");
	is_str(captured(), "testprog: shown\n", "debug shown at debug level");
	log_setlevel(LOG_LVL_WARN);
	log_info("quiet");
	is_str(captured(), "", "info hidden at warn level");
	is_int(log_getlevel(), LOG_LVL_WARN, "level read back");
	{
		char big[3000];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		log_warnx("%s", big);
		ok(strlen(captured()) < 2100, "a long message is cut, not "
		    "overflowing");
	}

	fflush(stderr);
	if ((pid = fork()) == 0) {
		fatalx("cannot go on: %s", "reason");
		_exit(0);	/* not reached */
	}
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 1, "fatalx exits 1");
	is_str(captured(), "testprog: cannot go on: reason\n",
	    "fatalx says why");

	dup2(saved, STDERR_FILENO);
	unlink(path);
	return done_testing();
}
