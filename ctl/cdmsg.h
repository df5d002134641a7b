/*
 * ctl/cdmsg.h - the findings of rebondctl check-domain: for each stable
 * code, its severity, a one-line explanation and the fix, in English and
 * French.  In the texts, $s stands for what the finding is about (a
 * domain, a relay address, a DKIM key name) and $a for its detail.
 */
#ifndef REBOND_CDMSG_H
#define REBOND_CDMSG_H

enum cd_sev { SEV_OK, SEV_INFO, SEV_WARNING, SEV_ERROR };
enum cd_lang { LANG_EN, LANG_FR };

struct cd_msg {
	const char	*code;
	int		 sev;		/* enum cd_sev */
	const char	*text[2];	/* by enum cd_lang */
	const char	*fix[2];	/* NULL: nothing to do */
};

/* The row of code, or NULL. */
const struct cd_msg *cdmsg_find(const char *code);

/* "error", "warning", ... in English (JSON) or the language's word. */
const char *cdmsg_sev_name(int sev, int lang);

#endif
