#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest side of bench/run: runs on the 7.3 kernel (upstream netkit built
# in) from a tree with netkit2.ko and bench/nkbench built, and writes one
# line per measurement to $OUT/raw.tsv: REP FIGURE CANDIDATE VALUE.
#
#   bench/guest.sh OUT REPS SECS PAIRS [bench|profile [ONLY]]
#
# ONLY, an extended regular expression, limits the run to the figures
# whose name matches it.
#
# With "profile", no figures: each L3 candidate's UDP flood and TCP stream
# run under perf (software clock events, which work under TCG), and the
# hottest symbols go to $OUT/profile-CANDIDATE-TEST.txt.
#
# Candidates, each between two network namespaces (lo: within one):
# lo, veth, netkit and netkit2 in L3 mode, netkit-l2 and netkit2-l2. Every
# repetition goes through the figures in turn and, within a figure, through
# the candidates in an order rotated by the repetition and reversed every
# other one, so that drift on the shared host hits every candidate alike;
# netkit2 always runs next to the upstream netkit it is compared with.
set -uo pipefail

OUT=$1
REPS=$2
SECS=$3
PAIRS=$4
MODE=${5:-bench}
ONLY=${6:-}
tree=$(pwd -P)
NKB=$tree/bench/nkbench
RAW=$OUT/raw.tsv
LOG=$OUT/guest.log
: >"$RAW"
exec 3>>"$LOG"

CANDS="lo veth netkit netkit2 netkit-l2 netkit2-l2"
# With programs: netkit and netkit2 run them in the sending device's xmit;
# veth gets them where a veth-based datapath runs them, on tcx ingress of
# the receiving device, after the packet has crossed the backlog queue.
PROGCANDS="veth netkit netkit2 netkit-l2 netkit2-l2"

# Senders run on CPU 0, receivers on CPU 1: where the scheduler puts
# them otherwise changes from run to run, and with it the figures (the
# receiver sharing the sender's CPU counts fewer packets).
SEND=(taskset -c 0)
RECV_CPU=1
RECV=(taskset -c "$RECV_CPU")

log() { printf '%s %s\n' "$(date +%T)" "$*" >&3; printf '%s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RAW"; }

kind_of() {
	case $1 in
	veth) echo veth ;;
	netkit | netkit-l2) echo netkit ;;
	netkit2 | netkit2-l2) echo netkit2 ;;
	esac
}

# Namespace of the sending side, of the receiving side, and the address the
# sender targets, per candidate.
declare -A NS_A NS_B DST DEV_A DEV_B
setup() {
	local c=$1 idx=$2 kind mode=""
	NS_A[$c]=bench-$c-a
	if [ "$c" = lo ]; then
		NS_B[$c]=${NS_A[$c]}
		DST[$c]=127.0.0.1
		ip netns add "${NS_A[$c]}" || return 1
		ip -n "${NS_A[$c]}" link set lo up || return 1
		return 0
	fi
	NS_B[$c]=bench-$c-b
	DST[$c]=10.99.$idx.2
	DEV_A[$c]=bn${idx}a
	kind=$(kind_of "$c")
	case $c in *-l2) mode=l2 ;; esac
	ip netns add "${NS_A[$c]}" && ip netns add "${NS_B[$c]}" || return 1
	ip netns exec "${NS_A[$c]}" "$NKB" link "$kind" "bn${idx}a" "bn${idx}b" $mode || return 1
	ip -n "${NS_A[$c]}" link set "bn${idx}b" netns "${NS_B[$c]}" || return 1
	ip -n "${NS_A[$c]}" addr add "10.99.$idx.1/24" dev "bn${idx}a" &&
		ip -n "${NS_B[$c]}" addr add "10.99.$idx.2/24" dev "bn${idx}b" &&
		ip -n "${NS_A[$c]}" link set lo up && ip -n "${NS_B[$c]}" link set lo up &&
		ip -n "${NS_A[$c]}" link set "bn${idx}a" up &&
		ip -n "${NS_B[$c]}" link set "bn${idx}b" up || return 1
	DEV_B[$c]=bn${idx}b
	ip netns exec "${NS_A[$c]}" ping -q -c 1 -W 5 "${DST[$c]}" >/dev/null ||
		{ log "$c: no ping through the pair"; return 1; }
}

# Pod to pod through two pairs, the datapath of a node whose programs send
# a pod's packets straight to another pod: pod A (NS_A) and pod B (NS_B)
# each hold the primary of a pair whose peer is in the host namespace
# bench-C-x; the program on each pod's device sends every packet to the
# host-side device of the other pair, by bpf_redirect_peer() into the
# other pod directly (pods-peer, netkit2) or by bpf_redirect() through
# that device's transmit (pods-redirect, netkit2; pods-nk-redirect,
# upstream netkit). Upstream netkit drops what bpf_redirect_peer() sends
# from its programs: checked once, recorded as pods-upstream.peer_replies.
PODCANDS="pods-peer pods-redirect pods-nk-redirect"
HOLDS=()
# hold_bg NS TAG KIND DEV SET: nkbench hold in NS until the guest ends (or
# its pid, in HOLDS, is sent SIGTERM); its output in a file named by TAG.
hold_bg() {
	local ns=$1 f=/run/bench-hold-$2.$$ i
	shift 2
	ip netns exec "$ns" "$NKB" hold "$@" >"$f" 2>&1 &
	HOLDS+=("$!")
	for i in $(seq 100); do grep -q ready "$f" && return 0; sleep 0.1; done
	log "hold $*: $(cat "$f")"
	return 1
}
setup_pods() {
	local c=$1 idx=$2 kind=netkit2 x=bench-$1-x set=to p n pid ok
	case $c in pods-nk-*) kind=netkit ;; esac
	[ "$c" = pods-peer ] && set=peer
	NS_A[$c]=bench-$c-a
	NS_B[$c]=bench-$c-b
	DST[$c]=10.99.$idx.2
	DEV_A[$c]=pd${idx}a
	DEV_B[$c]=pd${idx}b
	ip netns add "$x" || return 1
	for p in a b; do
		n=${NS_A[$c]}
		[ $p = b ] && n=${NS_B[$c]}
		ip netns add "$n" &&
			ip netns exec "$n" "$NKB" link "$kind" "pd$idx$p" "px$idx$p" &&
			ip -n "$n" link set "px$idx$p" netns "$x" &&
			ip -n "$n" addr add "10.99.$idx.$([ $p = a ] && echo 1 || echo 2)/24" dev "pd$idx$p" &&
			ip -n "$n" link set lo up && ip -n "$n" link set "pd$idx$p" up &&
			ip -n "$x" link set "px$idx$p" up || return 1
	done
	local -A to
	to[a]=$(ip netns exec "$x" cat "/sys/class/net/px${idx}b/ifindex") &&
		to[b]=$(ip netns exec "$x" cat "/sys/class/net/px${idx}a/ifindex") || return 1
	if [ "$kind" = netkit ]; then
		hold_bg "${NS_A[$c]}" "$c-check-a" "$kind" "pd${idx}a" "peer:${to[a]}" &&
			hold_bg "${NS_B[$c]}" "$c-check-b" "$kind" "pd${idx}b" "peer:${to[b]}" || return 1
		ok=$(ip netns exec "${NS_A[$c]}" ping -q -c 3 -i 0.2 -W 1 "${DST[$c]}" |
			sed -n 's/.* \([0-9][0-9]*\) received.*/\1/p')
		record 0 pods-upstream.peer_replies netkit "${ok:-0}"
		for pid in "${HOLDS[@]: -2}"; do kill -TERM "$pid"; wait "$pid"; done
		HOLDS=("${HOLDS[@]:0:${#HOLDS[@]}-2}")
	fi
	hold_bg "${NS_A[$c]}" "$c-a" "$kind" "pd${idx}a" "$set:${to[a]}" &&
		hold_bg "${NS_B[$c]}" "$c-b" "$kind" "pd${idx}b" "$set:${to[b]}" || return 1
	ip netns exec "${NS_A[$c]}" ping -q -c 1 -W 5 "${DST[$c]}" >/dev/null ||
		{ log "$c: no ping from pod to pod"; return 1; }
}

servers() {
	local c=$1
	ip netns exec "${NS_B[$c]}" "${RECV[@]}" iperf3 -s -D -p 5201 --pidfile "/run/bench-$c.iperf3.pid" >/dev/null 2>&1 ||
		return 1
	ip netns exec "${NS_B[$c]}" "${RECV[@]}" "$NKB" rr-server 5202 >/dev/null 2>&1 &
	sleep 0.5
}

# steer C MASK: RPS on every device of candidate C's receiving namespace
# (the pair's end and lo, where the redirect program sends to): what
# arrives there is processed on the CPUs in MASK; MASK 0 leaves it to
# the CPU that enqueued it again.
steer() {
	# shellcheck disable=SC2016
	ip netns exec "${NS_B[$1]}" sh -c \
		'for q in /sys/class/net/*/queues/rx-*/rps_cpus; do echo "$1" >"$q" || exit 1; done' \
		steer "$2"
}

# steered C FN ARGS...: FN C ARGS with C's receive processing steered to
# the receiver's CPU (run and with_progs pass C first).
steered() {
	local c=$1 fn=$2 rc=0
	shift 2
	steer "$c" "$((1 << RECV_CPU))" || { log "$c: no RPS steering"; steer "$c" 0; return 1; }
	"$fn" "$c" "$@" || rc=1
	steer "$c" 0 || { log "$c: RPS steering not undone"; rc=1; }
	return "$rc"
}

# One measurement of FIGURE on candidate C; prints name=value pairs.
#
# TCP streams and the UDP flood run steered: their receive processing on
# the receiver's CPU. Left on the CPU that enqueued it, a TCP stream
# settles into one of two states at random: the sender's CPU processes all
# it sends, or the receiver's CPU, processing the acknowledgements, sends
# part of the data itself and the two CPUs' backlog queues reorder
# segments (spurious retransmissions, 3-4 % more throughput than the
# first state); and the UDP sink, outrun by a sender that also did all
# the receive processing, dropped a varying share at its socket. Those
# coin flips, not the device, set the spread of these figures.
m_tcp() {
	local c=$1 flows=$2 o
	o=$(ip netns exec "${NS_A[$c]}" "${SEND[@]}" iperf3 -c "${DST[$c]}" -p 5201 -t "$SECS" -P "$flows" -f m 2>&1) ||
		{ log "$c: iperf3 -P $flows failed: $(tail -c 300 <<<"$o")"; return 1; }
	# The last receiver line: the only stream's, or the [SUM] of all; the
	# last sender line has the segments the senders retransmitted.
	awk '/ receiver/ { v = $(NF - 2) }
	     / sender/ { r = $(NF - 1) }
	     END { if (v == "" || r !~ /^[0-9]+$/) exit 1; printf "gbps=%.4f retr=%d\n", v / 1000, r }' <<<"$o"
}
m_rr() {
	ip netns exec "${NS_A[$1]}" "${SEND[@]}" "$NKB" rr-client "${DST[$1]}" 5202 "$SECS"
}
m_udp() {
	local c=$1 sink=/run/bench-sink.$$ pid tx rx i
	ip netns exec "${NS_B[$c]}" "${RECV[@]}" "$NKB" udp-sink 5203 $((SECS + 10)) >"$sink" 2>&1 &
	pid=$!
	for i in $(seq 50); do grep -q ready "$sink" && break; sleep 0.1; done
	tx=$(ip netns exec "${NS_A[$c]}" "${SEND[@]}" "$NKB" udp-flood "${DST[$c]}" 5203 "$SECS") ||
		{ kill "$pid"; wait "$pid"; log "$c: udp-flood failed"; return 1; }
	# What is still queued drains; then the sink reports.
	sleep 0.3
	kill -TERM "$pid"
	wait "$pid"
	rx=$(grep rx_pps "$sink")
	rm -f "$sink"
	echo "$tx $rx"
}

# The kernel's packet generator on the sending device: 64-byte UDP frames
# handed straight to the device's ndo_start_xmit from a kernel thread (no
# socket, no system call), addressed to the receiver, which has no
# listener on the port; the packets per second the thread reached in SECS.
# This is the figure where the device's own transmit work weighs most.
m_pktgen() {
	local c=$1 dev mac out
	if [ "$c" = lo ]; then
		dev=lo
		mac=00:00:00:00:00:00
	else
		dev=${DEV_A[$c]}
		mac=$(ip netns exec "${NS_B[$c]}" cat "/sys/class/net/${DEV_B[$c]}/address") || return 1
	fi
	# shellcheck disable=SC2016
	out=$(ip netns exec "${NS_A[$c]}" bash -c '
		set -e
		p=/proc/net/pktgen
		echo rem_device_all >$p/kpktgend_0
		echo "add_device $1" >$p/kpktgend_0
		for s in "count 0" "clone_skb 0" "burst 1" "delay 0" "pkt_size 64" \
			"dst $2" "dst_mac $3" "udp_dst_min 9" "udp_dst_max 9"; do
			echo "$s" >"$p/$1"
		done
		echo start >$p/pgctrl &
		sleep "$4"
		echo stop >$p/pgctrl
		wait
		cat "$p/$1"
		echo rem_device_all >$p/kpktgend_0
		' pktgen "$dev" "${DST[$c]}" "$mac" "$SECS" 2>&1) ||
		{ log "$c: pktgen failed: $(tail -c 300 <<<"$out")"; return 1; }
	# "Result: OK: ... usec, N (64byte,0frags)" then "  Mpps ..."
	awk '/^Result: OK/ { ok = 1; next }
	     ok && /pps/ { sub(/pps.*/, "", $1); print "pps=" $1; done = 1; exit }
	     END { if (!done) exit 1 }' <<<"$out" ||
		{ log "$c: no pktgen result: $(tail -c 300 <<<"$out")"; return 1; }
}

# Programs attached while MEASURE runs: to the sending device (netkit,
# netkit2), or to the receiving one's tcx ingress (veth).
with_progs() {
	local c=$1 set=$2 fn=$3 hold=/run/bench-hold.$$ pid i rc=0 ns dev
	shift 3
	ns=${NS_A[$c]}
	dev=${DEV_A[$c]}
	if [ "$c" = veth ]; then
		ns=${NS_B[$c]}
		dev=${DEV_B[$c]}
	fi
	ip netns exec "$ns" "$NKB" hold "$(kind_of "$c")" "$dev" "$set" >"$hold" 2>&1 &
	pid=$!
	for i in $(seq 100); do grep -q ready "$hold" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	if ! grep -q ready "$hold"; then
		log "$c: attaching $set failed: $(cat "$hold")"
		kill "$pid" 2>/dev/null
		wait "$pid"
		return 1
	fi
	"$fn" "$c" "$@" || rc=1
	kill -TERM "$pid"
	wait "$pid" || { log "$c: detaching $set failed: $(cat "$hold")"; rc=1; }
	rm -f "$hold"
	return "$rc"
}

# The order of word list $2 in repetition $1: rotated left by $1, and
# reversed in every other repetition, so that no candidate always runs
# right after the same other one (netkit2 after netkit, say).
rotate() {
	local -a w
	read -r -a w <<<"$2"
	local n=${#w[@]} k=$(($1 % ${#w[@]})) i j
	for ((i = 0; i < n; i++)); do
		j=$(((i + k) % n))
		[ $(($1 % 2)) -eq 0 ] && j=$((n - 1 - j))
		printf '%s ' "${w[$j]}"
	done
}

# The order of candidate list $2 in repetition $1: each netkit2 candidate
# runs right next to its upstream counterpart (netkit2 with netkit,
# netkit2-l2 with netkit-l2), first in one repetition and second in the
# next, so that the ratio the bar is about comes from two measurements a
# few seconds apart; those blocks and the other candidates are rotated as
# rotate() does.
order() {
	local rep=$1 list=" $2 " c b blocks=""
	for c in $list; do
		case $c in
		netkit2 | netkit2-l2)
			[[ $list == *" ${c/netkit2/netkit} "* ]] && continue ;;
		netkit | netkit-l2)
			b=${c/netkit/netkit2}
			if [[ $list == *" $b "* ]]; then
				if [ $((rep % 2)) -eq 0 ]; then c=$c,$b; else c=$b,$c; fi
			fi ;;
		esac
		blocks+="$c "
	done
	for b in $(rotate "$rep" "$blocks"); do
		printf '%s ' "${b//,/ }"
	done
}

wanted() {
	[ -z "$ONLY" ] || [[ $1 =~ $ONLY ]]
}

# run REP FIGURE CANDIDATES FN ARGS...: measure FIGURE on each candidate;
# the outputs' name=value pairs become FIGURE.name rows.
FAILED=0
run() {
	local rep=$1 fig=$2 cands=$3 fn=$4 c out kv t0=$SECONDS
	shift 4
	wanted "$fig" || return 0
	for c in $(order "$rep" "$cands"); do
		if ! out=$("$fn" "$c" "$@"); then
			FAILED=$((FAILED + 1))
			continue
		fi
		for kv in $out; do
			[ "${kv#*=}" != "$kv" ] || continue
			record "$rep" "$fig.${kv%%=*}" "$c" "${kv#*=}"
		done
	done
	log "  $fig: $((SECONDS - t0)) s"
}

control() {
	local rep=$1 k out kv
	if wanted pairs; then
		for k in $(rotate "$rep" "veth netkit netkit2"); do
			out=$(ip netns exec bench-cp "$NKB" pairs "$k" "$PAIRS") ||
				{ FAILED=$((FAILED + 1)); log "pairs $k failed"; continue; }
			for kv in $out; do record "$rep" "pairs.${kv%%=*}" "$k" "${kv#*=}"; done
		done
	fi
	wanted progs || return 0
	for k in $(order "$rep" "veth netkit netkit2"); do
		out=$(ip netns exec "${NS_A[$k]}" "$NKB" progs "$k" "${DEV_A[$k]}" 63) ||
			{ FAILED=$((FAILED + 1)); log "progs $k failed"; continue; }
		for kv in $out; do record "$rep" "progs.${kv%%=*}" "$k" "${kv#*=}"; done
	done
}

# perf record the sending process (with the softirq work done in its
# context, which is most of a pair's receive path) during one measurement.
profile() {
	local c=$1 data=/run/perf.data rep=$OUT/profile-$1-$2.txt
	shift 2
	perf record -q -o "$data" -e cpu-clock -g -- "$@" >/dev/null 2>>"$LOG" ||
		{ log "$c: perf record failed"; return 1; }
	perf report -i "$data" --no-children --sort symbol --percent-limit 0.7 \
		--stdio -g none 2>/dev/null | grep -v -e '^$' -e '^# *$' -e 'Tip:' | head -n 60 >"$rep"
	rm -f "$data"
}

profile_all() {
	local c pid sink=/run/bench-sink.prof i
	command -v perf >/dev/null || die "no perf in the guest (scripts/prepare installs it)"
	for c in veth netkit netkit2; do
		ip netns exec "${NS_B[$c]}" "$NKB" udp-sink 5299 $((SECS + 30)) >"$sink" 2>&1 &
		pid=$!
		for i in $(seq 100); do grep -q ready "$sink" && break; sleep 0.1; done
		profile "$c" udp ip netns exec "${NS_A[$c]}" "$NKB" udp-flood "${DST[$c]}" 5299 "$SECS"
		kill -TERM "$pid"
		wait "$pid"
		profile "$c" tcp ip netns exec "${NS_A[$c]}" iperf3 -c "${DST[$c]}" -p 5201 -t "$SECS" -P 1
	done
}

main() {
	local idx=1 c rep t0
	t0=$(date +%s)
	log "kernel $(uname -r), $(nproc) cpus; $REPS repetitions of $SECS s, $PAIRS pairs"
	insmod "$tree/netkit2.ko" || die "insmod netkit2.ko failed"
	command -v iperf3 >/dev/null || die "no iperf3 in the guest (scripts/prepare installs it)"
	modprobe pktgen || die "modprobe pktgen failed"
	for c in $CANDS; do
		setup "$c" "$idx" || die "$c: setup failed"
		servers "$c" || die "$c: servers did not start"
		idx=$((idx + 1))
	done
	for c in $PODCANDS; do
		setup_pods "$c" "$idx" || die "$c: setup failed"
		servers "$c" || die "$c: servers did not start"
		idx=$((idx + 1))
	done
	ip netns add bench-cp || die "netns"
	if [ "$MODE" = profile ]; then
		profile_all
		return
	fi
	for ((rep = 1; rep <= REPS; rep++)); do
		log "repetition $rep/$REPS ($(($(date +%s) - t0)) s)"
		run "$rep" tcp1 "$CANDS" steered m_tcp 1
		run "$rep" tcp4 "$CANDS" steered m_tcp 4
		run "$rep" rr "$CANDS" m_rr
		run "$rep" udp "$CANDS" steered m_udp
		run "$rep" pktgen "$CANDS" m_pktgen
		run "$rep" tcp4+pass "$PROGCANDS" with_progs pass steered m_tcp 4
		run "$rep" tcp4+redirect "$PROGCANDS" with_progs redirect steered m_tcp 4
		for set in pass chain8 redirect; do
			run "$rep" "udp+$set" "$PROGCANDS" with_progs "$set" steered m_udp
			run "$rep" "pktgen+$set" "$PROGCANDS" with_progs "$set" m_pktgen
		done
		run "$rep" pods-udp "$PODCANDS" steered m_udp
		run "$rep" pods-rr "$PODCANDS" m_rr
		run "$rep" pods-pktgen "$PODCANDS" m_pktgen
		control "$rep"
	done
	log "done in $(($(date +%s) - t0)) s, $FAILED failed measurements"
	dmesg | grep -E 'WARNING|BUG|Oops' >&3 && die "the kernel warned (see dmesg in $LOG)"
	[ "$FAILED" -eq 0 ]
}

main
