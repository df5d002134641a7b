/* ctl/cdmsg.c - see cdmsg.h.  One row per finding code; the codes are
 * a contract for scripts (--json): add codes, never rename them. */
#include "config.h"

#include <string.h>

#include "cdmsg.h"

#define PERM	"the whole record is an error (permerror): SPF fails for " \
		"every message"
#define PERMFR	"tout l'enregistrement est en erreur (permerror) : SPF " \
		"échoue pour tous les messages"

static const struct cd_msg msgs[] = {
	/* SPF: the record */
	{ "spf-found", SEV_OK,
	  { "one SPF record: $a",
	    "un enregistrement SPF : $a" }, { NULL, NULL } },
	{ "spf-none", SEV_ERROR,
	  { "no SPF record (TXT \"v=spf1 ...\") at $s: receivers cannot tell "
	    "which servers may send for it, and many refuse its mail or file "
	    "it as spam",
	    "aucun enregistrement SPF (TXT « v=spf1 ... ») sur $s : les "
	    "destinataires ne peuvent pas savoir quels serveurs ont le droit "
	    "d'envoyer pour ce domaine, et beaucoup refusent ses messages ou "
	    "les classent en spam" },
	  { "publish one TXT record at $s such as \"v=spf1 ip4:RELAY-ADDRESS "
	    "~all\", or the include: your mail host documents",
	    "publiez un enregistrement TXT sur $s, par exemple « v=spf1 "
	    "ip4:ADRESSE-DU-RELAIS ~all », ou l'include: indiqué par votre "
	    "hébergeur de courrier" } },
	{ "spf-multiple", SEV_ERROR,
	  { "$a SPF records at $s: receivers must treat this as an error "
	    "(permerror) and SPF fails for every message",
	    "$a enregistrements SPF sur $s : les destinataires doivent le "
	    "traiter comme une erreur (permerror) et SPF échoue pour tous les "
	    "messages" },
	  { "merge them into one TXT record that starts with v=spf1",
	    "fusionnez-les en un seul enregistrement TXT commençant par "
	    "v=spf1" } },
	{ "spf-leading-space", SEV_ERROR,
	  { "a TXT record at $s looks like SPF but starts with a space, not "
	    "with v=spf1: receivers ignore it",
	    "un enregistrement TXT de $s ressemble à du SPF mais commence par "
	    "une espace et non par v=spf1 : il est ignoré" },
	  { "remove what comes before v=spf1",
	    "supprimez ce qui précède v=spf1" } },
	{ "spf-quotes", SEV_ERROR,
	  { "stray quotes in the SPF record of $s ($a): the quoting in the "
	    "zone file is wrong and receivers see a broken record",
	    "guillemets en trop dans l'enregistrement SPF de $s (« $a ») : les "
	    "guillemets du fichier de zone sont mal placés et les "
	    "destinataires voient un enregistrement cassé" },
	  { "quote the whole text once in the zone file: \"v=spf1 ... ~all\", "
	    "with no quote inside",
	    "dans le fichier de zone, mettez des guillemets une seule fois "
	    "autour du texte : \"v=spf1 ... ~all\", aucun à l'intérieur" } },
	{ "spf-syntax", SEV_ERROR,
	  { "syntax error in the SPF record of $s: '$a'; " PERM,
	    "erreur de syntaxe dans l'enregistrement SPF de $s : « $a » ; "
	    PERMFR },
	  { "correct or remove this term (RFC 7208, section 5)",
	    "corrigez ou supprimez ce terme (RFC 7208, section 5)" } },
	{ "spf-unknown-mechanism", SEV_ERROR,
	  { "unknown SPF mechanism '$a' at $s; " PERM,
	    "mécanisme SPF inconnu « $a » sur $s ; " PERMFR },
	  { "use all, include:, a, mx, ip4:, ip6: or exists: (ip4:192.0.2.1, "
	    "not ip:192.0.2.1)",
	    "utilisez all, include:, a, mx, ip4:, ip6: ou exists: "
	    "(ip4:192.0.2.1 et non ip:192.0.2.1)" } },
	{ "spf-unknown-modifier", SEV_WARNING,
	  { "unknown modifier '$a' at $s: receivers ignore it (a typo?)",
	    "modificateur inconnu « $a » sur $s : il est ignoré (une faute de "
	    "frappe ?)" },
	  { "remove it or correct it: mechanisms take ':' (include:example.org), "
	    "only redirect= and exp= take '='",
	    "supprimez-le ou corrigez-le : les mécanismes prennent « : » "
	    "(include:example.org), seuls redirect= et exp= prennent « = »" } },
	{ "spf-duplicate-modifier", SEV_ERROR,
	  { "'$a' at $s repeats a modifier; " PERM,
	    "« $a » sur $s répète un modificateur ; " PERMFR },
	  { "keep one redirect= and at most one exp=",
	    "gardez un seul redirect= et au plus un exp=" } },
	{ "spf-host-is-ip", SEV_ERROR,
	  { "'$a' at $s: a:, mx:, include: and exists: take a host name, not "
	    "an IP address; " PERM,
	    "« $a » sur $s : a:, mx:, include: et exists: attendent un nom "
	    "d'hôte, pas une adresse IP ; " PERMFR },
	  { "write ip4:ADDRESS or ip6:ADDRESS for an address",
	    "écrivez ip4:ADRESSE ou ip6:ADRESSE pour une adresse" } },
	{ "spf-bad-ip", SEV_ERROR,
	  { "'$a' at $s is not a valid IP address; " PERM,
	    "« $a » sur $s n'est pas une adresse IP valide ; " PERMFR },
	  { "write ip4:192.0.2.1 or ip6:2001:db8::1, with a prefix length "
	    "after a slash if needed",
	    "écrivez ip4:192.0.2.1 ou ip6:2001:db8::1, avec si besoin la "
	    "longueur de préfixe après une barre oblique" } },
	{ "spf-bad-cidr", SEV_ERROR,
	  { "bad prefix length in '$a' at $s (0-32 for IPv4, 0-128 for "
	    "IPv6); " PERM,
	    "longueur de préfixe invalide dans « $a » sur $s (0 à 32 en IPv4, "
	    "0 à 128 en IPv6) ; " PERMFR },
	  { "correct the number after the slash, as in ip4:192.0.2.0/24",
	    "corrigez le nombre après la barre oblique, comme dans "
	    "ip4:192.0.2.0/24" } },
	{ "spf-uppercase", SEV_INFO,
	  { "the SPF record of $s has upper-case letters: it works, but lower "
	    "case is safer with some receivers",
	    "l'enregistrement SPF de $s contient des majuscules : cela "
	    "fonctionne, mais les minuscules sont plus sûres avec certains "
	    "destinataires" },
	  { "write it in lower case (v=spf1, include:, ~all)",
	    "écrivez-le en minuscules (v=spf1, include:, ~all)" } },
	{ "spf-ptr", SEV_WARNING,
	  { "'$a' at $s: the ptr mechanism is slow, unreliable and "
	    "deprecated (RFC 7208, 5.5); some receivers skip it",
	    "« $a » sur $s : le mécanisme ptr est lent, peu fiable et "
	    "déconseillé (RFC 7208, 5.5) ; certains destinataires l'ignorent" },
	  { "replace it by the ip4:/ip6: of your servers or a:HOST",
	    "remplacez-le par les ip4:/ip6: de vos serveurs ou par a:HÔTE" } },
	{ "spf-redirect-ignored", SEV_WARNING,
	  { "$s has both 'all' and redirect=: receivers ignore the redirect",
	    "$s a à la fois « all » et redirect= : le redirect est ignoré" },
	  { "keep one: redirect= alone to delegate, or mechanisms ending in "
	    "all",
	    "gardez l'un des deux : redirect= seul pour déléguer, ou des "
	    "mécanismes terminés par all" } },
	{ "spf-after-all", SEV_WARNING,
	  { "'$a' comes after 'all' at $s and is never evaluated",
	    "« $a » vient après « all » sur $s et n'est jamais évalué" },
	  { "put all at the end of the record",
	    "placez all à la fin de l'enregistrement" } },
	{ "spf-all-pass", SEV_ERROR,
	  { "'$a' at $s lets every server on the Internet send as $s: SPF "
	    "protects nothing and receivers distrust the domain",
	    "« $a » sur $s autorise n'importe quel serveur d'Internet à "
	    "envoyer au nom de $s : SPF ne protège rien et les destinataires "
	    "se méfient du domaine" },
	  { "end the record with ~all", "terminez l'enregistrement par ~all" } },
	{ "spf-all-neutral", SEV_WARNING,
	  { "'$a' at $s says nothing about other servers: forged mail gets no "
	    "SPF failure",
	    "« $a » sur $s ne dit rien des autres serveurs : un message usurpé "
	    "n'obtient pas d'échec SPF" },
	  { "end the record with ~all and let DMARC decide",
	    "terminez l'enregistrement par ~all et laissez DMARC décider" } },
	{ "spf-all-softfail", SEV_OK,
	  { "'$a' at $s: mail from other servers softfails; with DKIM and "
	    "DMARC this is the recommended ending, and forwarded mail still "
	    "passes on its DKIM signature",
	    "« $a » sur $s : le courrier d'autres serveurs obtient softfail ; "
	    "avec DKIM et DMARC c'est la fin recommandée, et le courrier "
	    "transféré passe grâce à sa signature DKIM" },
	  { NULL, NULL } },
	{ "spf-all-fail", SEV_INFO,
	  { "'$a' at $s: some receivers refuse mail from other servers at "
	    "once, before looking at DKIM, so mail forwarded by lists or "
	    "redirections can bounce",
	    "« $a » sur $s : certains destinataires refusent aussitôt le "
	    "courrier d'autres serveurs, sans regarder DKIM ; le courrier "
	    "transféré (listes, redirections) peut être rejeté" },
	  { "~all is recommended while DKIM carries authentication for "
	    "forwarded mail; keep -all only if all mail is DKIM-signed and "
	    "this risk is accepted",
	    "~all est recommandé tant que DKIM porte l'authentification du "
	    "courrier transféré ; ne gardez -all que si tout est signé DKIM "
	    "et ce risque accepté" } },
	{ "spf-no-all", SEV_WARNING,
	  { "the SPF record of $s has neither 'all' nor redirect=: mail from "
	    "other servers gets 'neutral', as if there were no SPF",
	    "l'enregistrement SPF de $s n'a ni « all » ni redirect= : le "
	    "courrier d'autres serveurs obtient « neutral », comme sans SPF" },
	  { "end the record with ~all", "terminez l'enregistrement par ~all" } },

	/* SPF: lookups */
	{ "spf-lookups", SEV_OK,
	  { "the SPF record of $s needs $a of the 10 DNS lookups allowed",
	    "l'enregistrement SPF de $s utilise $a des 10 requêtes DNS "
	    "permises" }, { NULL, NULL } },
	{ "spf-lookup-limit", SEV_ERROR,
	  { "the SPF record of $s needs $a DNS lookups (include, a, mx, ptr, "
	    "exists, redirect, counted through the includes): receivers stop "
	    "at 10 and SPF fails for every message (permerror)",
	    "l'enregistrement SPF de $s demande $a requêtes DNS (include, a, "
	    "mx, ptr, exists, redirect, comptés à travers les include) : les "
	    "destinataires s'arrêtent à 10 et SPF échoue pour tous les "
	    "messages (permerror)" },
	  { "remove the includes of services you no longer use, replace a and "
	    "mx by ip4:/ip6:, or ask a provider for a shorter include",
	    "supprimez les include de services inutilisés, remplacez a et mx "
	    "par des ip4:/ip6:, ou demandez au prestataire un include plus "
	    "court" } },
	{ "spf-void-lookups", SEV_ERROR,
	  { "the SPF record of $s makes $a lookups that find nothing: "
	    "receivers stop after 2 (permerror)",
	    "l'enregistrement SPF de $s fait $a recherches qui ne trouvent "
	    "rien : les destinataires s'arrêtent après 2 (permerror)" },
	  { "remove the terms that name domains without records "
	    "(spf-void-name)",
	    "supprimez les termes qui visent des noms sans enregistrement "
	    "(spf-void-name)" } },
	{ "spf-void-name", SEV_WARNING,
	  { "'$a' in the SPF record of $s names a domain with no record",
	    "« $a » dans l'enregistrement SPF de $s vise un nom sans "
	    "enregistrement" },
	  { "remove the term or correct the name",
	    "supprimez le terme ou corrigez le nom" } },
	{ "spf-include-missing", SEV_ERROR,
	  { "'$a' in the SPF record of $s: that domain has no SPF record, so "
	    "the include is an error (permerror) for every message",
	    "« $a » dans l'enregistrement SPF de $s : ce domaine n'a pas "
	    "d'enregistrement SPF, l'include est donc une erreur (permerror) "
	    "pour tous les messages" },
	  { "remove the include or correct the name (your provider documents "
	    "the right one)",
	    "supprimez l'include ou corrigez le nom (votre prestataire indique "
	    "le bon)" } },
	{ "spf-redirect-missing", SEV_ERROR,
	  { "'$a' in the SPF record of $s: that domain has no SPF record, so "
	    "SPF fails for every message (permerror)",
	    "« $a » dans l'enregistrement SPF de $s : ce domaine n'a pas "
	    "d'enregistrement SPF, SPF échoue donc pour tous les messages "
	    "(permerror)" },
	  { "point redirect= at a domain that has an SPF record",
	    "faites pointer redirect= vers un domaine qui a un enregistrement "
	    "SPF" } },
	{ "spf-include-invalid", SEV_ERROR,
	  { "the SPF record of $s, reached through an include or redirect, is "
	    "broken ($a): your mail gets permerror too",
	    "l'enregistrement SPF de $s, atteint par un include ou un "
	    "redirect, est cassé ($a) : vos messages obtiennent aussi "
	    "permerror" },
	  { "remove that include, or tell the owner of $s",
	    "supprimez cet include, ou prévenez le responsable de $s" } },
	{ "spf-include-loop", SEV_ERROR,
	  { "'$a' in the SPF record of $s leads back to a record already "
	    "being evaluated: an include loop (permerror)",
	    "« $a » dans l'enregistrement SPF de $s ramène à un enregistrement "
	    "déjà en cours d'évaluation : une boucle d'include (permerror)" },
	  { "remove the include that points back",
	    "supprimez l'include qui revient en arrière" } },
	{ "spf-mx-limit", SEV_ERROR,
	  { "$s has $a MX records: an mx mechanism naming it is an error over "
	    "10 (permerror)",
	    "$s a $a enregistrements MX : un mécanisme mx qui le vise est une "
	    "erreur au-delà de 10 (permerror)" },
	  { "use ip4:/ip6: or a: instead of mx for this domain",
	    "utilisez ip4:/ip6: ou a: plutôt que mx pour ce domaine" } },
	{ "spf-macro", SEV_INFO,
	  { "'$a' at $s uses macros: rebond does not expand them, so what "
	    "depends on them is not evaluated",
	    "« $a » sur $s utilise des macros : rebond ne les développe pas, "
	    "ce qui en dépend n'est donc pas évalué" }, { NULL, NULL } },

	/* SPF: the relay's addresses */
	{ "spf-relay-pass", SEV_OK,
	  { "relay $s is authorised ($a)",
	    "le relais $s est autorisé ($a)" }, { NULL, NULL } },
	{ "spf-relay-not-authorised", SEV_ERROR,
	  { "relay $s is not authorised by the SPF record: the result is $a, "
	    "so mail sent through $s fails SPF",
	    "le relais $s n'est pas autorisé par l'enregistrement SPF : le "
	    "résultat est $a, le courrier envoyé par $s échoue donc à SPF" },
	  { "add ip4:ADDRESS (ip6: for IPv6) of $s to the record, or the "
	    "include: the relay's operators give",
	    "ajoutez ip4:ADRESSE (ip6: en IPv6) de $s à l'enregistrement, ou "
	    "l'include: donné par les opérateurs du relais" } },
	{ "spf-relay-permerror", SEV_ERROR,
	  { "relay $s: the SPF evaluation ends in permerror ($a), so SPF "
	    "fails for all mail",
	    "relais $s : l'évaluation SPF finit en permerror ($a), SPF échoue "
	    "donc pour tout le courrier" },
	  { "correct the errors shown above", "corrigez les erreurs "
	    "ci-dessus" } },
	{ "spf-relay-temperror", SEV_WARNING,
	  { "relay $s: a DNS lookup failed during the SPF evaluation ($a); "
	    "receivers defer the mail or count it as temperror",
	    "relais $s : une requête DNS a échoué pendant l'évaluation SPF "
	    "($a) ; les destinataires diffèrent le courrier ou le comptent en "
	    "temperror" },
	  { "check the name servers of the domains above, then run the check "
	    "again",
	    "vérifiez les serveurs de noms des domaines ci-dessus, puis "
	    "relancez la vérification" } },
	{ "spf-relay-unknown", SEV_WARNING,
	  { "relay $s: not evaluated ($a)", "relais $s : non évalué ($a)" },
	  { "check by hand, or send a test message to a mailbox that shows "
	    "the Authentication-Results header",
	    "vérifiez à la main, ou envoyez un message de test à une boîte qui "
	    "montre l'en-tête Authentication-Results" } },
	{ "spf-no-relay-ip", SEV_INFO,
	  { "no relay address given: whether the relay is authorised was not "
	    "checked",
	    "aucune adresse de relais donnée : l'autorisation du relais n'a "
	    "pas été vérifiée" },
	  { "add --relay-ip ADDRESS (or relay-ips in the [check-domain] "
	    "section of rebond.conf)",
	    "ajoutez --relay-ip ADRESSE (ou relay-ips dans la section "
	    "[check-domain] de rebond.conf)" } },

	/* DKIM */
	{ "dkim-no-selector", SEV_INFO,
	  { "no DKIM selector given: no DKIM key was checked",
	    "aucun sélecteur DKIM donné : aucune clé DKIM n'a été vérifiée" },
	  { "add --selector NAME (or selectors in the [check-domain] section "
	    "of rebond.conf); the selector is the s= of the DKIM-Signature "
	    "header",
	    "ajoutez --selector NOM (ou selectors dans la section "
	    "[check-domain] de rebond.conf) ; le sélecteur est le s= de "
	    "l'en-tête DKIM-Signature" } },
	{ "dkim-ok", SEV_OK,
	  { "DKIM key $s: $a", "clé DKIM $s : $a" }, { NULL, NULL } },
	{ "dkim-none", SEV_ERROR,
	  { "no DKIM key at $s: signatures with this selector fail",
	    "aucune clé DKIM sur $s : les signatures avec ce sélecteur "
	    "échouent" },
	  { "publish the public key your signer (OpenDKIM, rspamd...) made as "
	    "a TXT record at $s, or check the selector's name",
	    "publiez la clé publique créée par votre signataire (OpenDKIM, "
	    "rspamd...) en TXT sur $s, ou vérifiez le nom du sélecteur" } },
	{ "dkim-multiple", SEV_ERROR,
	  { "$a TXT records at $s: verifiers may take any of them",
	    "$a enregistrements TXT sur $s : les vérificateurs peuvent prendre "
	    "n'importe lequel" },
	  { "keep one record", "gardez un seul enregistrement" } },
	{ "dkim-syntax", SEV_ERROR,
	  { "the DKIM record at $s is malformed: $a",
	    "l'enregistrement DKIM de $s est mal formé : $a" },
	  { "write tag=value pairs separated by ';': v=DKIM1; k=rsa; p=...",
	    "écrivez des paires tag=valeur séparées par « ; » : v=DKIM1; "
	    "k=rsa; p=..." } },
	{ "dkim-version", SEV_ERROR,
	  { "the DKIM record at $s has '$a': v= must come first and be DKIM1, "
	    "or verifiers discard the record",
	    "l'enregistrement DKIM de $s contient « $a » : v= doit venir en "
	    "premier et valoir DKIM1, sinon l'enregistrement est ignoré" },
	  { "start the record with v=DKIM1; or leave v= out",
	    "commencez l'enregistrement par v=DKIM1; ou retirez v=" } },
	{ "dkim-no-key", SEV_ERROR,
	  { "the DKIM record at $s has no p= tag",
	    "l'enregistrement DKIM de $s n'a pas de p=" },
	  { "add p= with the public key in base64",
	    "ajoutez p= avec la clé publique en base64" } },
	{ "dkim-revoked", SEV_ERROR,
	  { "the DKIM key at $s is revoked (empty p=): signatures with this "
	    "selector fail",
	    "la clé DKIM de $s est révoquée (p= vide) : les signatures avec ce "
	    "sélecteur échouent" },
	  { "if the relay still signs with this selector, publish its current "
	    "public key; otherwise stop using the selector",
	    "si le relais signe encore avec ce sélecteur, publiez sa clé "
	    "publique actuelle ; sinon cessez d'utiliser ce sélecteur" } },
	{ "dkim-bad-base64", SEV_ERROR,
	  { "the p= of $s is not valid base64",
	    "le p= de $s n'est pas du base64 valide" },
	  { "copy the key again, with no quote or line break inside a string "
	    "(several quoted strings are fine)",
	    "recopiez la clé, sans guillemet ni retour à la ligne à "
	    "l'intérieur d'une chaîne (plusieurs chaînes entre guillemets "
	    "conviennent)" } },
	{ "dkim-key-type", SEV_ERROR,
	  { "unknown key type k=$a at $s",
	    "type de clé inconnu k=$a sur $s" },
	  { "use k=rsa or k=ed25519", "utilisez k=rsa ou k=ed25519" } },
	{ "dkim-bad-key", SEV_ERROR,
	  { "the p= of $s is not a valid $a public key",
	    "le p= de $s n'est pas une clé publique $a valide" },
	  { "publish the whole public key your signer made",
	    "publiez en entier la clé publique créée par votre signataire" } },
	{ "dkim-key-weak", SEV_ERROR,
	  { "the RSA key at $s has $a bits: receivers refuse keys under 1024 "
	    "bits (RFC 8301), so signatures fail",
	    "la clé RSA de $s fait $a bits : les destinataires refusent les "
	    "clés de moins de 1024 bits (RFC 8301), les signatures échouent "
	    "donc" },
	  { "make a 2048-bit key under a new selector, publish it, then switch "
	    "the signer to it",
	    "créez une clé de 2048 bits sous un nouveau sélecteur, publiez-la, "
	    "puis faites signer avec elle" } },
	{ "dkim-key-short", SEV_WARNING,
	  { "the RSA key at $s has $a bits; 2048 is recommended, some "
	    "receivers distrust 1024",
	    "la clé RSA de $s fait $a bits ; 2048 est recommandé, certains "
	    "destinataires se méfient de 1024" },
	  { "make a 2048-bit key under a new selector, publish it, then switch "
	    "the signer to it",
	    "créez une clé de 2048 bits sous un nouveau sélecteur, publiez-la, "
	    "puis faites signer avec elle" } },
	{ "dkim-testing", SEV_WARNING,
	  { "the DKIM key at $s is in testing mode (t=$a): receivers treat its "
	    "signatures as absent",
	    "la clé DKIM de $s est en mode test (t=$a) : les destinataires "
	    "font comme si ses signatures n'existaient pas" },
	  { "remove t=y once signing works",
	    "retirez t=y une fois la signature au point" } },
	{ "dkim-hash-sha1", SEV_ERROR,
	  { "the DKIM key at $s allows only h=$a: receivers no longer accept "
	    "SHA-1 signatures (RFC 8301)",
	    "la clé DKIM de $s n'autorise que h=$a : les destinataires "
	    "n'acceptent plus les signatures SHA-1 (RFC 8301)" },
	  { "remove h= (or write h=sha256)",
	    "retirez h= (ou écrivez h=sha256)" } },
	{ "dkim-service", SEV_ERROR,
	  { "the DKIM key at $s is not for email (s=$a)",
	    "la clé DKIM de $s n'est pas prévue pour le courrier (s=$a)" },
	  { "remove s= or write s=email", "retirez s= ou écrivez s=email" } },

	/* DMARC */
	{ "dmarc-found", SEV_OK,
	  { "DMARC record at $s: $a",
	    "enregistrement DMARC sur $s : $a" }, { NULL, NULL } },
	{ "dmarc-none", SEV_WARNING,
	  { "no DMARC record at _dmarc.$s: receivers have no policy for mail "
	    "forged as $s, and Gmail and Yahoo demand one of bulk senders",
	    "aucun enregistrement DMARC sur _dmarc.$s : les destinataires "
	    "n'ont aucune politique pour le courrier usurpant $s, et Gmail et "
	    "Yahoo en exigent un des gros expéditeurs" },
	  { "publish a TXT record at _dmarc.$s such as \"v=DMARC1; p=none; "
	    "rua=mailto:dmarc@$s\", read the reports, then move to "
	    "p=quarantine",
	    "publiez un TXT sur _dmarc.$s, par exemple « v=DMARC1; p=none; "
	    "rua=mailto:dmarc@$s », lisez les rapports, puis passez à "
	    "p=quarantine" } },
	{ "dmarc-inherited", SEV_INFO,
	  { "no DMARC record at _dmarc.$s: the one of $a applies (an "
	    "approximation: rebond does not read the Public Suffix List)",
	    "aucun enregistrement DMARC sur _dmarc.$s : celui de $a s'applique "
	    "(approximation : rebond ne lit pas la Public Suffix List)" },
	  { NULL, NULL } },
	{ "dmarc-multiple", SEV_ERROR,
	  { "$a DMARC records at $s: receivers apply none of them",
	    "$a enregistrements DMARC sur $s : les destinataires n'en "
	    "appliquent aucun" },
	  { "keep one record", "gardez un seul enregistrement" } },
	{ "dmarc-version", SEV_ERROR,
	  { "a TXT record at $s looks like DMARC but does not start exactly "
	    "with v=DMARC1 ('$a'): receivers ignore it",
	    "un enregistrement TXT de $s ressemble à du DMARC mais ne commence "
	    "pas exactement par v=DMARC1 (« $a ») : il est ignoré" },
	  { "start it with v=DMARC1; (upper case, first tag)",
	    "commencez-le par v=DMARC1; (en majuscules, premier tag)" } },
	{ "dmarc-syntax", SEV_ERROR,
	  { "the DMARC record at $s is malformed ($a): receivers ignore it",
	    "l'enregistrement DMARC de $s est mal formé ($a) : il est "
	    "ignoré" },
	  { "write tag=value pairs separated by ';': v=DMARC1; p=none; "
	    "rua=mailto:...",
	    "écrivez des paires tag=valeur séparées par « ; » : v=DMARC1; "
	    "p=none; rua=mailto:..." } },
	{ "dmarc-no-policy", SEV_ERROR,
	  { "the DMARC record at $s has no valid p= ($a): receivers ignore it "
	    "or apply none",
	    "l'enregistrement DMARC de $s n'a pas de p= valide ($a) : il est "
	    "ignoré ou traité comme none" },
	  { "add p=none, p=quarantine or p=reject right after v=DMARC1;",
	    "ajoutez p=none, p=quarantine ou p=reject juste après v=DMARC1;" } },
	{ "dmarc-bad-value", SEV_ERROR,
	  { "invalid '$a' in the DMARC record at $s",
	    "« $a » invalide dans l'enregistrement DMARC de $s" },
	  { "sp= and np= take none, quarantine or reject; adkim= and aspf= r "
	    "or s; pct= 0 to 100; fo= 0, 1, d or s; rf=afrf; ri= seconds",
	    "sp= et np= prennent none, quarantine ou reject ; adkim= et aspf= "
	    "r ou s ; pct= de 0 à 100 ; fo= 0, 1, d ou s ; rf=afrf ; ri= des "
	    "secondes" } },
	{ "dmarc-bad-uri", SEV_ERROR,
	  { "'$a' in the DMARC record at $s is not a mailto: address: no "
	    "report is sent there",
	    "« $a » dans l'enregistrement DMARC de $s n'est pas une adresse "
	    "mailto: : aucun rapport n'y est envoyé" },
	  { "write rua=mailto:dmarc@example.org (several separated by commas)",
	    "écrivez rua=mailto:dmarc@example.org (plusieurs séparées par des "
	    "virgules)" } },
	{ "dmarc-unknown-tag", SEV_WARNING,
	  { "unknown tag '$a' in the DMARC record at $s is ignored (a typo?)",
	    "le tag inconnu « $a » de l'enregistrement DMARC de $s est ignoré "
	    "(une faute de frappe ?)" },
	  { "remove or correct it; tag names are lower case",
	    "supprimez-le ou corrigez-le ; les noms de tags sont en "
	    "minuscules" } },
	{ "dmarc-policy-none", SEV_WARNING,
	  { "DMARC policy p=none for $s: receivers deliver mail that fails "
	    "SPF and DKIM, so anyone can still send as $s",
	    "politique DMARC p=none pour $s : les destinataires distribuent le "
	    "courrier qui échoue à SPF et DKIM, n'importe qui peut donc encore "
	    "envoyer au nom de $s" },
	  { "once the reports show that your own mail passes, move to "
	    "p=quarantine, then p=reject",
	    "quand les rapports montrent que votre propre courrier passe, "
	    "passez à p=quarantine, puis p=reject" } },
	{ "dmarc-policy", SEV_OK,
	  { "DMARC policy for $s: $a", "politique DMARC pour $s : $a" },
	  { NULL, NULL } },
	{ "dmarc-sp-none", SEV_WARNING,
	  { "sp=none: subdomains of $s are not protected although p= is "
	    "stricter",
	    "sp=none : les sous-domaines de $s ne sont pas protégés alors que "
	    "p= est plus strict" },
	  { "remove sp= (subdomains then follow p=) unless a subdomain still "
	    "sends unauthenticated mail",
	    "retirez sp= (les sous-domaines suivent alors p=), sauf si un "
	    "sous-domaine envoie encore du courrier non authentifié" } },
	{ "dmarc-subdomains", SEV_INFO,
	  { "subdomains of $s get DMARC policy $a",
	    "les sous-domaines de $s ont la politique DMARC $a" },
	  { NULL, NULL } },
	{ "dmarc-pct", SEV_WARNING,
	  { "pct=$a: the DMARC policy of $s applies to only part of the "
	    "failing mail",
	    "pct=$a : la politique DMARC de $s ne s'applique qu'à une partie "
	    "du courrier en échec" },
	  { "raise pct to 100 (or remove it) once the reports are clean",
	    "montez pct à 100 (ou retirez-le) quand les rapports sont "
	    "propres" } },
	{ "dmarc-no-rua", SEV_WARNING,
	  { "no rua= in the DMARC record at $s: nobody receives the aggregate "
	    "reports, so nobody sees who sends as the domain",
	    "pas de rua= dans l'enregistrement DMARC de $s : personne ne reçoit "
	    "les rapports agrégés, donc personne ne voit qui envoie au nom du "
	    "domaine" },
	  { "add rua=mailto:ADDRESS of a mailbox someone reads (or of a report "
	    "service)",
	    "ajoutez rua=mailto:ADRESSE d'une boîte lue par quelqu'un (ou d'un "
	    "service de rapports)" } },
	{ "dmarc-rua-unauthorised", SEV_WARNING,
	  { "the reports of $s go to $a, which does not accept them (no "
	    "v=DMARC1 at $s._report._dmarc.$a): receivers will not send them",
	    "les rapports de $s vont vers $a, qui ne les accepte pas (pas de "
	    "v=DMARC1 sur $s._report._dmarc.$a) : ils ne seront pas envoyés" },
	  { "ask the managers of $a to publish that record, or use an address "
	    "in $s",
	    "demandez aux gestionnaires de $a de publier cet enregistrement, "
	    "ou utilisez une adresse dans $s" } },

	/* Alignment with From: */
	{ "align-spf", SEV_OK,
	  { "the envelope sender domain is aligned with From: $s ($a): SPF "
	    "can make DMARC pass",
	    "le domaine de l'expéditeur d'enveloppe est aligné avec From: $s "
	    "($a) : SPF peut faire passer DMARC" }, { NULL, NULL } },
	{ "align-spf-no", SEV_WARNING,
	  { "the envelope sender domain $a is not aligned with From: $s: SPF "
	    "cannot make DMARC pass, only DKIM can",
	    "le domaine d'enveloppe $a n'est pas aligné avec From: $s : SPF ne "
	    "peut pas faire passer DMARC, seul DKIM le peut" },
	  { "send with an envelope sender in $s (bounces@$s), or make sure "
	    "every message gets an aligned DKIM signature",
	    "envoyez avec un expéditeur d'enveloppe dans $s (bounces@$s), ou "
	    "assurez une signature DKIM alignée sur chaque message" } },
	{ "align-spf-strict", SEV_WARNING,
	  { "the envelope sender domain $a aligns with $s only in relaxed "
	    "mode, and aspf=s asks for the exact domain",
	    "le domaine d'enveloppe $a n'est aligné avec $s qu'en mode "
	    "relâché, et aspf=s exige le domaine exact" },
	  { "remove aspf=s (relaxed is the default) or send with an envelope "
	    "sender exactly in $s",
	    "retirez aspf=s (le mode relâché est le défaut) ou envoyez avec un "
	    "expéditeur d'enveloppe exactement dans $s" } },
	{ "align-spf-domain", SEV_INFO,
	  { "DMARC uses the SPF record of $a, the envelope sender domain, not "
	    "the one of $s",
	    "DMARC utilise l'enregistrement SPF de $a, le domaine "
	    "d'enveloppe, et non celui de $s" },
	  { "run rebondctl check-domain $a with the same --relay-ip",
	    "lancez rebondctl check-domain $a avec les mêmes --relay-ip" } },
	{ "align-dkim", SEV_OK,
	  { "the DKIM signing domain is aligned with From: $s ($a): a valid "
	    "signature makes DMARC pass",
	    "le domaine de signature DKIM est aligné avec From: $s ($a) : une "
	    "signature valide fait passer DMARC" }, { NULL, NULL } },
	{ "align-dkim-no", SEV_WARNING,
	  { "the DKIM signing domain d=$a is not aligned with From: $s: its "
	    "signature cannot make DMARC pass",
	    "le domaine de signature DKIM d=$a n'est pas aligné avec From: $s : "
	    "sa signature ne peut pas faire passer DMARC" },
	  { "sign the mail of $s with d=$s (a selector under $s)",
	    "signez le courrier de $s avec d=$s (un sélecteur sous $s)" } },
	{ "align-dkim-strict", SEV_WARNING,
	  { "the DKIM signing domain d=$a aligns with $s only in relaxed "
	    "mode, and adkim=s asks for the exact domain",
	    "le domaine DKIM d=$a n'est aligné avec $s qu'en mode relâché, et "
	    "adkim=s exige le domaine exact" },
	  { "remove adkim=s or sign with d=$s",
	    "retirez adkim=s ou signez avec d=$s" } },
	{ "align-none", SEV_ERROR,
	  { "neither the envelope sender nor the DKIM domain is aligned with "
	    "From: $s: DMARC fails for the mail you relay ($a)",
	    "ni l'expéditeur d'enveloppe ni le domaine DKIM ne sont alignés "
	    "avec From: $s : DMARC échoue pour le courrier relayé ($a)" },
	  { "sign with d=$s, or send with an envelope sender in $s",
	    "signez avec d=$s, ou envoyez avec un expéditeur d'enveloppe dans "
	    "$s" } },

	/* DNS */
	{ "dns-error", SEV_ERROR,
	  { "the DNS lookup of $s failed ($a): receivers get a temporary "
	    "error and may defer or refuse mail",
	    "la requête DNS sur $s a échoué ($a) : les destinataires obtiennent "
	    "une erreur temporaire et peuvent différer ou refuser le "
	    "courrier" },
	  { "check the name servers of the domain (dig $s TXT)",
	    "vérifiez les serveurs de noms du domaine (dig $s TXT)" } },
	{ "dns-limit", SEV_WARNING,
	  { "stopped after $a DNS queries: the results are incomplete",
	    "arrêt après $a requêtes DNS : les résultats sont incomplets" },
	  { "simplify the SPF record (fewer includes)",
	    "simplifiez l'enregistrement SPF (moins d'include)" } },
	{ NULL, 0, { NULL, NULL }, { NULL, NULL } }
};

const struct cd_msg *
cdmsg_find(const char *code)
{
	const struct cd_msg *m;

	for (m = msgs; m->code != NULL; m++)
		if (strcmp(m->code, code) == 0)
			return m;
	return NULL;
}

const char *
cdmsg_sev_name(int sev, int lang)
{
	static const char *const names[2][4] = {
		{ "ok", "info", "warning", "error" },
		{ "ok", "info", "attention", "erreur" },
	};

	if (sev < 0 || sev > 3 || lang < 0 || lang > 1)
		return "?";
	return names[lang][sev];
}
