# etc/mkconf.awk - the shipped rebond.conf, made from what
# `rebondctl -c /dev/null config` prints: every option commented out at
# the default its help line gives ("#ttl = 5m"), except state-dir and
# rules, set to the -v statedir= and rules= given.  Anything it does not
# recognise is an error, so that a change of the dump's format is noticed
# at build time rather than shipped.

BEGIN {
	print "# rebond.conf - configuration of rebond-dnsd, rebond-feeder,"
	print "# rebond-sync and rebondctl; see rebond.conf(5)."
	print "#"
	print "# Every option is shown at its default, commented out"
	print "# (\"#name = default\"): remove the '#' and change the value to set"
	print "# it.  Durations take s, m, h, d or w (90d), sizes K, M, G or T (64M),"
	print "# rates a percentage (0.5%).  A list option may be repeated, or"
	print "# given several values on one line.  After a change, check with"
	print "#   rebond-dnsd -n && rebond-feeder -n"
	print "# and restart the daemons (rebondctl reads the file at each run)."
	print ""
	ok = 1
}

/^\[[a-z][a-z-]*\]$/ {
	section = substr($0, 2, length($0) - 2)
	print
	prev = ""
	next
}

/^# / {
	# The default is what the last "(default: " holds, to the final ")".
	def = ""
	rest = $0
	at = 0
	while ((i = index(rest, "(default: ")) > 0) {
		at += i
		rest = substr(rest, i + 1)
	}
	if (at == 0 || substr($0, length($0)) != ")") {
		printf "mkconf.awk: line %d: no default: %s\n", NR, $0 > "/dev/stderr"
		ok = 0
		exit 1
	}
	def = substr($0, at + 10, length($0) - at - 10)
	if (def == "none")
		def = ""
	print
	next
}

/^$/ {
	print
	next
}

/^[a-z][a-z0-9-]* =/ {
	name = $1
	if (name == prev)	# a list's further values
		next
	prev = name
	val = substr($0, index($0, "=") + 1)
	sub(/^ /, "", val)
	if (section == "global" && name == "state-dir")
		printf "%s = \"%s\"\n", name, statedir
	else if (section == "feeder" && name == "rules" && rules != "")
		printf "%s = \"%s\"\n", name, rules
	else if (val ~ /^"/)
		printf "#%s = \"%s\"\n", name, def
	else if (def == "")
		printf "#%s =\n", name
	else
		printf "#%s = %s\n", name, def
	next
}

{
	printf "mkconf.awk: line %d: unexpected: %s\n", NR, $0 > "/dev/stderr"
	ok = 0
	exit 1
}

END {
	if (ok && section == "") {
		print "mkconf.awk: no section in the input" > "/dev/stderr"
		exit 1
	}
}
