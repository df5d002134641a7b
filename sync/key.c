/* sync/key.c - see key.h */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "conf.h"
#include "key.h"
#include "util.h"

/* Longest key file we read: the tag, a blank, 44 characters, newline. */
#define KEY_FILE_MAX	128

char *
key_path(const struct conf *c)
{
	char *p;

	if (c->key_file != NULL && c->key_file[0] != '\0')
		return xstrdup(c->key_file);
	xasprintf(&p, "%s/%s", c->state_dir, KEY_FILE_NAME);
	return p;
}

void
key_wipe(void *secret, size_t len)
{
	sodium_memzero(secret, len);
}

void
key_from_seed(const uint8_t seed[KEY_SEED_LEN], uint8_t sk[KEY_SK_LEN],
    uint8_t pk[KEY_PK_LEN])
{
	crypto_sign_seed_keypair(pk, sk, seed);
}

void
key_pubkey_b64(const uint8_t pk[KEY_PK_LEN], char *buf, size_t len)
{
	if (len < KEY_B64_LEN + 1) {
		if (len > 0)
			buf[0] = '\0';
		return;
	}
	sodium_bin2base64(buf, len, pk, KEY_PK_LEN,
	    sodium_base64_VARIANT_ORIGINAL);
}

int
key_pubkey_parse(const char *s, uint8_t pk[KEY_PK_LEN])
{
	char again[KEY_B64_LEN + 1];
	size_t n;
	const char *end;

	if (strlen(s) != KEY_B64_LEN)
		return RB_EINVAL;
	if (sodium_base642bin(pk, KEY_PK_LEN, s, KEY_B64_LEN, NULL, &n, &end,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || n != KEY_PK_LEN ||
	    end != s + KEY_B64_LEN)
		return RB_EINVAL;
	/* Only the canonical spelling: the last character's unused bits
	 * must be zero, so that one key has one id. */
	key_pubkey_b64(pk, again, sizeof(again));
	if (strcmp(again, s) != 0)
		return RB_EINVAL;
	return RB_OK;
}

int
key_generate(const char *path, uint8_t pk[KEY_PK_LEN], char *err,
    size_t errlen)
{
	uint8_t seed[KEY_SEED_LEN], sk[KEY_SK_LEN], pub[KEY_PK_LEN];
	char b64[KEY_B64_LEN + 1], line[KEY_FILE_MAX];
	int fd, n, rc = RB_OK;

	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium cannot be initialised");
		return RB_ESYS;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		if (errno == EEXIST) {
			snprintf(err, errlen, "%s: a key file is already "
			    "there; refusing to overwrite it", path);
			return RB_EEXIST;
		}
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return RB_ESYS;
	}
	randombytes_buf(seed, sizeof(seed));
	crypto_sign_seed_keypair(pub, sk, seed);
	sodium_bin2base64(b64, sizeof(b64), seed, sizeof(seed),
	    sodium_base64_VARIANT_ORIGINAL);
	n = snprintf(line, sizeof(line), "%s %s\n", KEY_FILE_TAG, b64);
	/* The umask may have cleared bits but never adds any; fchmod makes
	 * the mode exact whatever it is. */
	if (fchmod(fd, 0600) == -1 || write(fd, line, (size_t)n) != n ||
	    fsync(fd) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = RB_ESYS;
	}
	if (close(fd) == -1 && rc == RB_OK) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = RB_ESYS;
	}
	if (rc != RB_OK)
		unlink(path);
	else if (pk != NULL)
		memcpy(pk, pub, KEY_PK_LEN);
	key_wipe(seed, sizeof(seed));
	key_wipe(sk, sizeof(sk));
	key_wipe(b64, sizeof(b64));
	key_wipe(line, sizeof(line));
	return rc;
}

int
key_load(const char *path, uint8_t sk[KEY_SK_LEN], uint8_t pk[KEY_PK_LEN],
    char *err, size_t errlen)
{
	return key_load_for(path, geteuid(), sk, pk, err, errlen);
}

int
key_load_for(const char *path, uid_t owner, uint8_t sk[KEY_SK_LEN],
    uint8_t pk[KEY_PK_LEN], char *err, size_t errlen)
{
	uint8_t seed[KEY_SEED_LEN];
	char buf[KEY_FILE_MAX + 1], *b64;
	const char *end;
	struct stat st;
	ssize_t n;
	size_t len, slen;
	int fd, rc = RB_EINVAL;

	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium cannot be initialised");
		return RB_ESYS;
	}
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
		    errno == ENOENT ? " (create it with rebondctl keygen)" :
		    errno == ELOOP ? " (a symbolic link is not followed)" : "");
		return errno == ENOENT ? RB_ENOENT : RB_ESYS;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return RB_ESYS;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return RB_EINVAL;
	}
	if (st.st_uid != geteuid() && st.st_uid != owner) {
		snprintf(err, errlen, "%s: owned by uid %lu, not by the user "
		    "running this program (uid %lu): refusing a secret key "
		    "someone else controls", path, (unsigned long)st.st_uid,
		    (unsigned long)owner);
		close(fd);
		return RB_EINVAL;
	}
	if ((st.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: mode %04o lets group or others "
		    "access the secret key: refusing it (chmod 600 %s)", path,
		    (unsigned int)(st.st_mode & 07777), path);
		close(fd);
		return RB_EINVAL;
	}
	len = 0;
	while (len < sizeof(buf) &&
	    (n = read(fd, buf + len, sizeof(buf) - len)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			close(fd);
			key_wipe(buf, sizeof(buf));
			return RB_ESYS;
		}
		len += (size_t)n;
	}
	close(fd);
	/* "TAG base64\n" and nothing else. */
	slen = strlen(KEY_FILE_TAG);
	if (len > KEY_FILE_MAX || len < slen + 2 + KEY_B64_LEN ||
	    memcmp(buf, KEY_FILE_TAG, slen) != 0 || buf[slen] != ' ')
		goto bad;
	b64 = buf + slen + 1;
	if (len != slen + 1 + KEY_B64_LEN + 1 || b64[KEY_B64_LEN] != '\n')
		goto bad;
	if (sodium_base642bin(seed, sizeof(seed), b64, KEY_B64_LEN, NULL,
	    &slen, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    slen != KEY_SEED_LEN || end != b64 + KEY_B64_LEN)
		goto bad;
	crypto_sign_seed_keypair(pk, sk, seed);
	rc = RB_OK;
bad:
	if (rc != RB_OK)
		snprintf(err, errlen, "%s: not a rebond node key file "
		    "(expected one line: %s <base64 of 32 bytes>)", path,
		    KEY_FILE_TAG);
	key_wipe(seed, sizeof(seed));
	key_wipe(buf, sizeof(buf));
	return rc;
}
