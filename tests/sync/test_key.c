/*
 * tests/sync/test_key.c - the node identity: key file creation (mode
 * 0600, never overwritten), loading and its refusals (permissions,
 * owner, symbolic link, content), node ids in base64.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "../tap.h"
#include "sync/key.h"
#include "zones/conf.h"
#include "zones/util.h"

/* Base64 of the seed 01..20 is SEED32_B64_PREFIX "A=". */
#define SEED32_B64_PREFIX "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHy"

static char dir[4096];

static void
path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f;

	unlink(path);
	if ((f = fopen(path, "w")) == NULL)
		return;
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static void
test_generate(void)
{
	char p[4200], err[1024], before[256], after[256];
	uint8_t pk[32], pk2[32], sk[64];
	uint8_t msg[3] = "abc", sig[64];
	struct stat st;
	FILE *f;
	int rc;

	path_of(p, sizeof(p), "node.key");
	umask(0);	/* the mode must not depend on the umask */
	rc = key_generate(p, pk, err, sizeof(err));
	umask(022);
	is_int(rc, RB_OK, "generate a key file");
	memset(&st, 0, sizeof(st));
	rc = stat(p, &st);
	ok(rc == 0 && (st.st_mode & 07777) == 0600,
	    "created with mode 0600 even with umask 0 (%04o)",
	    (unsigned int)(st.st_mode & 07777));
	f = fopen(p, "r");
	memset(before, 0, sizeof(before));
	if (f) {
		if (fgets(before, sizeof(before), f) == NULL)
			before[0] = '\0';
		fclose(f);
	}
	ok(strncmp(before, KEY_FILE_TAG " ", strlen(KEY_FILE_TAG) + 1) == 0 &&
	    strlen(before) == strlen(KEY_FILE_TAG) + 1 + 44 + 1,
	    "one line: tag and 44 characters of base64");

	rc = key_generate(p, pk2, err, sizeof(err));
	ok(rc == RB_EEXIST && strstr(err, "refusing to overwrite"),
	    "a second keygen refuses to overwrite (%s)", err);
	f = fopen(p, "r");
	memset(after, 0, sizeof(after));
	if (f) {
		if (fgets(after, sizeof(after), f) == NULL)
			after[0] = '\0';
		fclose(f);
	}
	is_str(after, before, "the key file is unchanged");

	rc = key_load(p, sk, pk2, err, sizeof(err));
	is_int(rc, RB_OK, "load it back");
	ok(memcmp(pk, pk2, 32) == 0, "same public key as generated");
	ok(memcmp(sk + 32, pk, 32) == 0, "secret key ends with the public key");
	crypto_sign_detached(sig, NULL, msg, sizeof(msg), sk);
	ok(crypto_sign_verify_detached(sig, msg, sizeof(msg), pk) == 0,
	    "the loaded pair signs and verifies");
	key_wipe(sk, sizeof(sk));
	ok(sodium_is_zero(sk, sizeof(sk)), "key_wipe zeroes the secret");

	/* Modes. */
	chmod(p, 0644);
	rc = key_load(p, sk, pk2, err, sizeof(err));
	ok(rc == RB_EINVAL && strstr(err, "0644") &&
	    strstr(err, "chmod 600"), "mode 0644 refused: %s", err);
	chmod(p, 0640);
	rc = key_load(p, sk, pk2, err, sizeof(err));
	ok(rc == RB_EINVAL && strstr(err, "0640"), "mode 0640 refused");
	chmod(p, 0604);
	rc = key_load(p, sk, pk2, err, sizeof(err));
	ok(rc == RB_EINVAL, "mode 0604 refused");
	chmod(p, 0602);
	rc = key_load(p, sk, pk2, err, sizeof(err));
	ok(rc == RB_EINVAL, "mode 0602 (others may write) refused");
	chmod(p, 0400);
	rc = key_load(p, sk, pk2, err, sizeof(err));
	is_int(rc, RB_OK, "mode 0400 accepted");
	chmod(p, 0600);

	/* Owner. */
	if (geteuid() == 0) {
		if (chown(p, 65534, (gid_t)-1) == 0) {
			rc = key_load(p, sk, pk2, err, sizeof(err));
			ok(rc == RB_EINVAL && strstr(err, "owned by uid 65534"),
			    "a file of another user refused: %s", err);
			if (chown(p, 0, (gid_t)-1) != 0)
				printf("# chown back failed\n");
		} else
			ok(1, "# SKIP chown not permitted");
	} else
		ok(1, "# SKIP owner check needs root to chown");

	/* A symbolic link is not followed. */
	{
		char l[4200];

		path_of(l, sizeof(l), "link.key");
		if (symlink(p, l) == 0) {
			rc = key_load(l, sk, pk2, err, sizeof(err));
			ok(rc != RB_OK && strstr(err, "symbolic link"),
			    "symbolic link refused: %s", err);
			rc = key_generate(l, NULL, err, sizeof(err));
			ok(rc != RB_OK, "keygen through a symbolic link "
			    "refused");
		}
	}
}

static void
test_content(void)
{
	char p[4200], err[1024];
	uint8_t sk[64], pk[32];
	int rc;

	path_of(p, sizeof(p), "bad.key");
	rc = key_load(p, sk, pk, err, sizeof(err));
	ok(rc == RB_ENOENT && strstr(err, "rebondctl keygen"),
	    "missing file: RB_ENOENT and how to make one");
	write_file(p, "hello\n", 0600);
	rc = key_load(p, sk, pk, err, sizeof(err));
	ok(rc == RB_EINVAL && strstr(err, "not a rebond node key file"),
	    "garbage refused: %s", err);
	write_file(p, KEY_FILE_TAG " " SEED32_B64_PREFIX "A=",
	    0600);
	rc = key_load(p, sk, pk, err, sizeof(err));
	is_int(rc, RB_EINVAL, "missing final newline refused");
	write_file(p, KEY_FILE_TAG " " SEED32_B64_PREFIX "A=\n"
	    "more\n", 0600);
	rc = key_load(p, sk, pk, err, sizeof(err));
	is_int(rc, RB_EINVAL, "trailing line refused");
	write_file(p, KEY_FILE_TAG " " SEED32_B64_PREFIX "==\n",
	    0600);
	rc = key_load(p, sk, pk, err, sizeof(err));
	is_int(rc, RB_EINVAL, "31-byte seed refused");
	write_file(p, KEY_FILE_TAG " " SEED32_B64_PREFIX "A=\n",
	    0600);
	rc = key_load(p, sk, pk, err, sizeof(err));
	is_int(rc, RB_OK, "a hand-written key file of seed 01..20 loads");
	{
		uint8_t seed[32], sk2[64], pk2[32];
		int i;

		for (i = 0; i < 32; i++)
			seed[i] = (uint8_t)(i + 1);
		key_from_seed(seed, sk2, pk2);
		ok(memcmp(pk, pk2, 32) == 0,
		    "... giving the pair of that seed");
	}
	path_of(p, sizeof(p), "adir.key");
	mkdir(p, 0700);
	rc = key_load(p, sk, pk, err, sizeof(err));
	ok(rc != RB_OK, "a directory refused");
}

static void
test_b64(void)
{
	uint8_t seed[32], sk[64], pk[32], back[32];
	char id[KEY_B64_LEN + 1], bad[64], small[10];
	int i;

	for (i = 0; i < 32; i++)
		seed[i] = (uint8_t)(i + 1);
	key_from_seed(seed, sk, pk);
	key_pubkey_b64(pk, id, sizeof(id));
	is_int(strlen(id), 44, "an id is 44 characters");
	ok(id[43] == '=' && id[42] != '=', "standard base64 with one pad");
	is_int(key_pubkey_parse(id, back), RB_OK, "parse it back");
	ok(memcmp(back, pk, 32) == 0, "same key");
	key_pubkey_b64(pk, small, sizeof(small));
	is_str(small, "", "a buffer too small gets an empty string");

	snprintf(bad, sizeof(bad), "%.43s", id);
	is_int(key_pubkey_parse(bad, back), RB_EINVAL, "43 characters refused");
	snprintf(bad, sizeof(bad), "%sA", id);
	is_int(key_pubkey_parse(bad, back), RB_EINVAL, "45 characters refused");
	snprintf(bad, sizeof(bad), " %.43s", id);
	is_int(key_pubkey_parse(bad, back), RB_EINVAL, "a blank refused");
	is_int(key_pubkey_parse("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA",
	    back), RB_EINVAL, "unpadded refused");
	is_int(key_pubkey_parse("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=",
	    back), RB_OK, "a 32-byte value parses");
	is_int(key_pubkey_parse("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyB=",
	    back), RB_EINVAL, "non-canonical last character refused");
	is_int(key_pubkey_parse("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eH-A=",
	    back), RB_EINVAL, "URL-safe alphabet refused");
	is_int(key_pubkey_parse("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAx",
	    back), RB_EINVAL, "33 bytes refused");
	is_int(key_pubkey_parse("", back), RB_EINVAL, "empty refused");
}

static void
test_path(void)
{
	struct conf c;
	char *p;

	memset(&c, 0, sizeof(c));
	c.state_dir = "/var/lib/rebond";
	c.key_file = "";
	p = key_path(&c);
	is_str(p, "/var/lib/rebond/node.key", "default key file in the state "
	    "directory");
	free(p);
	c.key_file = "/etc/rebond/node.key";
	p = key_path(&c);
	is_str(p, "/etc/rebond/node.key", "[sync] key-file wins");
	free(p);
}

static int
rm_all(void)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

int
main(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/rebond-test-key-XXXXXX",
	    t && *t ? t : "/tmp");
	if (mkdtemp(dir) == NULL) {
		printf("# mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_generate();
	test_content();
	test_b64();
	test_path();
	if (rm_all() != 0)
		printf("# could not remove %s\n", dir);
	return done_testing();
}
