# tests/sync/lib.sh - several rebond nodes on loopback, each with its
# own state directory, key and rebond-sync port.
#
#   node_init NAME          state dir $T/NAME, key, free port PORT_NAME,
#                           id ID_NAME
#   node_start NAME         start its rebond-sync (after peers are set)
#   node_stop NAME
#   peer NAME OTHER TRUST SHARE   NAME trusts OTHER
#   nctl NAME ARGS...       rebondctl on NAME's store
. "$srcdir/tests/lib.sh"

REQ="$TOP_BUILD/tests/sync/syncreq"
# Below Linux's ephemeral range (32768 and up), where a client socket of a
# test running alongside may already hold the port we are about to bind.
PORT_BASE=$((21000 + ($$ * 17 + $(date +%N | sed 's/^0*//;s/^$/0/') / 1000) % 11000))

port_free() { ! ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

node_init() {
	_d="$T/$1"
	mkdir -p "$_d"
	printf '[sync]\npoll-wait = 10s\nretry-max = 2s\n' > "$_d.conf"
	"$CTL" -c "$_d.conf" -d "$_d" keygen > "$T/$1.id" 2>/dev/null || exit 1
	while ! port_free $PORT_BASE; do PORT_BASE=$((PORT_BASE + 1)); done
	eval "PORT_$1=$PORT_BASE; ID_$1=\$(cat '$T/$1.id')"
	PORT_BASE=$((PORT_BASE + 1))
}

nctl() { _node=$1; shift; "$CTL" -c "$T/$_node.conf" -d "$T/$_node" "$@"; }

peer() {	# peer NAME OTHER TRUST SHARE: the peer is named in lower case
	eval "_port=\$PORT_$2; _id=\$ID_$2"
	nctl "$1" peer add "$(echo "$2" | tr A-Z a-z)" --key "$_id" --url "http://127.0.0.1:$_port" \
	    --trust "$3" --share "$4"
}

node_start() {
	eval "_port=\$PORT_$1"
	"$SYNC" -c "$T/$1.conf" -d "$T/$1" -v -l "127.0.0.1:$_port" \
	    >>"$T/$1.log" 2>&1 &
	eval "PID_$1=$!"
	PIDS="$PIDS $!"
	wait_for 10 sh -c "grep -q 'serving peers on 127.0.0.1:$_port' '$T/$1.log'" || {
		echo "# rebond-sync $1 did not start:"; sed 's/^/#   /' "$T/$1.log"
		exit 1
	}
}

node_stop() {
	eval "_pid=\$PID_$1"
	kill "$_pid" 2>/dev/null
	wait "$_pid" 2>/dev/null
	_st=$?
	# 143: stopped by SIGTERM through the shell; 0: its own clean exit.
	[ $_st -eq 0 ] || [ $_st -eq 143 ] || {
		echo "# rebond-sync $1 exited with $_st:"; tail -20 "$T/$1.log" | sed 's/^/#   /'
	}
	return 0
}

listed() { nctl "$1" lookup "$2" >/dev/null 2>&1; }
