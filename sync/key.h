/*
 * sync/key.h - this node's identity: an Ed25519 key pair (libsodium).
 *
 * The secret key file holds the 32-byte seed of the pair, one line:
 *
 *	rebond-node-key-v1 <standard base64 of the seed>
 *
 * It is created with mode 0600 and never overwritten, and it is read
 * only if it belongs to the current user and nobody else may read or
 * write it (like OpenSMTPD's check_file_secrecy).  rebond-sync started
 * as root reads it before switching users: then a key of root's, which
 * the other daemons running as the rebond user cannot read, is the
 * safer one.  Only rebond-sync and
 * `rebondctl keygen` read it; everything else uses the public key that
 * the store keeps as origin 0's key.
 *
 * The node id that operators exchange is the standard base64 (with
 * padding, 44 characters) of the 32-byte public key.
 *
 * Functions return 0 or a negative RB_E* code and, on error, write a
 * one-line reason naming the file into err.
 */
#ifndef REBOND_SYNC_KEY_H
#define REBOND_SYNC_KEY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define KEY_PK_LEN	32		/* crypto_sign_PUBLICKEYBYTES */
#define KEY_SK_LEN	64		/* crypto_sign_SECRETKEYBYTES */
#define KEY_SEED_LEN	32		/* crypto_sign_SEEDBYTES */
#define KEY_B64_LEN	44		/* base64 of 32 bytes, without NUL */
#define KEY_FILE_NAME	"node.key"	/* in the state directory */
#define KEY_FILE_TAG	"rebond-node-key-v1"

struct conf;

/* The key file of c: [sync] key-file, or <state-dir>/node.key.  Returns
 * a string the caller frees. */
char	*key_path(const struct conf *c);

/* Create a new key pair and write its secret to path (mode 0600).
 * RB_EEXIST if path exists (it is never overwritten), RB_ESYS on a
 * system error (the partial file is removed).  pk, if not NULL,
 * receives the public key. */
int	key_generate(const char *path, uint8_t pk[KEY_PK_LEN], char *err,
	    size_t errlen);

/* Read the key pair from path.  RB_ENOENT if there is no such file,
 * RB_ESYS if it cannot be read, RB_EINVAL if it is not a regular file
 * owned by the current user with mode & 077 == 0 (err says which and how
 * to fix it) or not a key file.  sk receives the
 * libsodium secret key (seed and public key); the caller wipes it with
 * key_wipe() when done. */
int	key_load(const char *path, uint8_t sk[KEY_SK_LEN],
	    uint8_t pk[KEY_PK_LEN], char *err, size_t errlen)
	    __attribute__((warn_unused_result));
/* The same, for a program started as root that is to run as owner
 * (priv.h): the file may belong to root or to owner.  key_load() is
 * key_load_for(path, geteuid(), ...). */
int	key_load_for(const char *path, uid_t owner, uint8_t sk[KEY_SK_LEN],
	    uint8_t pk[KEY_PK_LEN], char *err, size_t errlen)
	    __attribute__((warn_unused_result));

/* The key pair of a 32-byte seed (tests and test vectors). */
void	key_from_seed(const uint8_t seed[KEY_SEED_LEN], uint8_t sk[KEY_SK_LEN],
	    uint8_t pk[KEY_PK_LEN]);

/* sodium_memzero(). */
void	key_wipe(void *secret, size_t len);

/* Node id: standard base64 of pk into buf (at least KEY_B64_LEN + 1). */
void	key_pubkey_b64(const uint8_t pk[KEY_PK_LEN], char *buf, size_t len);
/* Parse a node id: exactly the 44 characters of the standard base64 of
 * 32 bytes (surrounding blanks are not accepted).  0 or RB_EINVAL. */
int	key_pubkey_parse(const char *s, uint8_t pk[KEY_PK_LEN]);

#endif
