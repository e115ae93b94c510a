# shellcheck shell=bash disable=SC2154 # ncpus, SYSTEMS... come from workloads.sh
# report.sh — from the runs to the medians, the Markdown tables, the
# targets and the charts.  Sourced by tools/bench/run after workloads.sh.

# Medians with min–max per workload, metric and system; the median peak RSS
# per workload and system; each system's ratio to tmm m:1 and tmm m:n,
# oriented so that a ratio above 1 means tmm is better (none for a figure
# that describes rather than ranks: 'neutral').
summarise() {
	local raw=$1 res=$3
	awk -F, -v sysorder="${SYSTEMS[*]}" -v worder="${WORKLOADS[*]}" '
	function sort(a, n,   i, j, t) {
		for (i = 2; i <= n; i++) {
			t = a[i]
			for (j = i - 1; j >= 1 && a[j] > t; j--)
				a[j + 1] = a[j]
			a[j + 1] = t
		}
	}
	function median(a, n) {
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function ratio(w, m, s, ref,   r, p) {
		if (!((w, m, ref) in med) || s == ref || better[w, m] == "neutral")
			return ""
		r = med[w, m, ref]; p = med[w, m, s]
		if (better[w, m] == "higher") { t = p; p = r; r = t }
		if (r == 0)
			return p == 0 ? "" : "inf"
		return sprintf("%.4g", p / r)
	}
	NR == 1 { next }
	{
		key = $1 SUBSEP $4 SUBSEP $2
		n = ++cnt[key]; vals[key, n] = $5 + 0
		unit[$1, $4] = $6; better[$1, $4] = $7
		if (!(($1, $4) in seen)) { seen[$1, $4] = 1; metrics[$1] = metrics[$1] " " $4 }
		if (!(($1, $2, $3) in runseen)) {
			runseen[$1, $2, $3] = 1
			rn = ++rsscnt[$1, $2]; rss[$1, $2, rn] = $8 + 0
		}
	}
	END {
		nw = split(worder, ws, " "); ns = split(sysorder, ss, " ")
		for (i = 1; i <= nw; i++) {
			nm = split(metrics[ws[i]], ms, " ")
			for (j = 1; j <= nm; j++) for (k = 1; k <= ns; k++) {
				key = ws[i] SUBSEP ms[j] SUBSEP ss[k]
				if (!(key in cnt)) continue
				n = cnt[key]
				for (x = 1; x <= n; x++) a[x] = vals[key, x]
				sort(a, n)
				med[key] = median(a, n); lo[key] = a[1]; hi[key] = a[n]
			}
		}
		print "workload,metric,unit,better,system,median,min,max,runs,peak_rss_kb,vs_tmm_m1,vs_tmm_mn"
		for (i = 1; i <= nw; i++) {
			nm = split(metrics[ws[i]], ms, " ")
			for (j = 1; j <= nm; j++) for (k = 1; k <= ns; k++) {
				w = ws[i]; m = ms[j]; s = ss[k]; key = w SUBSEP m SUBSEP s
				if (!(key in cnt)) continue
				n = rsscnt[w, s]
				for (x = 1; x <= n; x++) a[x] = rss[w, s, x]
				sort(a, n)
				printf "%s,%s,%s,%s,%s,%.6g,%.6g,%.6g,%d,%d,%s,%s\n", w, m, unit[w, m],
					better[w, m], s, med[key], lo[key], hi[key], cnt[key],
					median(a, n), ratio(w, m, s, "tmm-m1"), ratio(w, m, s, "tmm-mn")
			}
		}
	}' "$raw" >"$res"
}

# ", 21 of yield, create and mutex": the workloads that run more than once a
# round (all of them the same number of times, runs_per_round).
more_runs_note() {
	local w per=1 names=()
	for w in "${WORKLOADS[@]}"; do
		if (($(runs_per_round "$w") > 1)); then
			per=$(runs_per_round "$w")
			names+=("$w")
		fi
	done
	((${#names[@]})) || return 0
	local list=${names[*]}
	list=${list// /, }
	((${#names[@]} > 1)) && list="${list%, *} and ${list##*, }"
	echo ", $(($1 * per)) of $list"
}

# The Markdown report: the machine, one table per workload and metric, the
# systems that did not run and why, and the targets.
write_markdown() {
	local res=$1 failed=$2 md=$3 started=$4 nruns=$5 mode=$6 load0=$7 load1=$8 others=$9 w
	{
		echo "## Results"
		echo
		echo "Taken $started on: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
			"$ncpus CPUs (nproc), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
			"Linux $(uname -r)."
		echo "tmm at commit ${BENCH_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}." \
			"Median of $nruns interleaved runs${mode:+ (quick sizes)}$(more_runs_note "$nruns"), with min–max." \
			"Other processes used $others% of the machine's CPU time during the run" \
			"(load average before: $load0; the benchmark's own threads raise it, $load1 at the end)."
		echo "Ratios: how many times better tmm is than that system (above 1: tmm wins," \
			"below 1: tmm loses)."
		for w in "${WORKLOADS[@]}"; do
			grep -q "^$w," "$res" "$failed" || continue
			echo
			echo "### $w"
			echo
			describe_of "$w"
			markdown_tables "$w" "$res" "$failed" $((nruns * $(runs_per_round "$w")))
		done
		echo
		check_targets "$res" "${res%/*}/runs.csv"
	} >"$md"
}

markdown_tables() {
	local w=$1 res=$2 failed=$3
	awk -F, -v w="$w" -v labels="$(system_labels)" -v order="${SYSTEMS[*]}" -v nruns="$4" \
		-v refs="${REFERENCES[*]}" '
	function fmt(v) {
		v += 0
		if (v >= 100 || v == int(v)) return sprintf("%.0f", v)
		if (v >= 10) return sprintf("%.1f", v)
		return sprintf("%.2f", v)
	}
	function verdict(r, s) {
		if (s in reference) return "reference"
		if (r == "") return "—"
		if (r == "inf") return "∞"
		if (s ~ /^tmm-/) return sprintf("%.2f×", r)
		if (r + 0 >= 1) return sprintf("%.2f× better", r)
		if (r + 0 >= 0.995) return "1.00×: even"
		return sprintf("**%.2f×: tmm loses**", r)
	}
	BEGIN {
		n = split(labels, kv, ";")
		for (i = 1; i <= n; i++) { split(kv[i], p, "="); label[p[1]] = p[2] }
		n = split(refs, rs, " ")
		for (i = 1; i <= n; i++) reference[rs[i]] = 1
	}
	FNR == 1 { file++; next }
	file == 1 && $1 == w {
		if ($2 != metric) {
			metric = $2
			if ($4 == "neutral")
				printf "\n%s, %s (a description, not a ranking):\n\n", $2, $3
			else
				printf "\n%s, %s (%s is better):\n\n", $2, $3, $4
			print "| system | median | min–max | peak RSS | tmm m:1 vs it | tmm m:n vs it |"
			print "|---|---:|---:|---:|---:|---:|"
		}
		# A system that failed in a later run has fewer figures: say so.
		partial = $9 < nruns ? sprintf(" (%d of %d runs)", $9, nruns) : ""
		printf "| %s | %s%s | %s–%s | %.1f MiB | %s | %s |\n", label[$5], fmt($6), partial,
			fmt($7), fmt($8), $10 / 1024, verdict($11, $5), verdict($12, $5)
	}
	file == 2 && $1 == w {
		reason = $3
		for (i = 4; i <= NF; i++) reason = reason "," $i
		why[$2] = reason
	}
	END {
		n = split(order, ss, " ")
		for (i = 1; i <= n; i++)
			if (ss[i] in why)
				notes = notes sprintf("| %s | %s |\n", label[ss[i]], why[ss[i]])
		if (notes != "")
			printf "\nNot run or failed:\n\n| system | why |\n|---|---|\n%s", notes
	}' "$res" "$failed"
}

system_labels() {
	local s out=
	for s in "${SYSTEMS[@]}"; do out+="$s=${SYSTEM_LABEL[$s]};"; done
	echo "${out%;}"
}

# The median of one figure from results.csv, or nothing.
median_of() {
	awk -F, -v w="$2" -v m="$3" -v s="$4" '$1 == w && $2 == m && $5 == s { print $6 }' "$1"
}

peak_of() {
	awk -F, -v w="$2" -v s="$3" '$1 == w && $5 == s { print $10; exit }' "$1"
}

# One row of the targets table: "a OP b" with the figures it compares.
target_row() {
	local what=$1 a=$2 op=$3 b=$4 shown=$5 result
	if [[ -z $a || -z $b ]]; then
		result="not measured" shown="—"
	elif awk -v a="$a" -v b="$b" -v op="$op" 'BEGIN {
		exit !((op == "<=" && a <= b) || (op == ">=" && a >= b) || (op == "<" && a < b) ||
		       (op == ">" && a > b))
	}'; then
		result="met"
	else
		result="**missed**"
	fi
	echo "| $what | $shown | $result |"
}

# The median of the numbers on standard input, one per line; nothing when
# there are none.
median_line() {
	sort -g | awk '{ q[++n] = $1 }
	END { if (n) printf "%.3g", n % 2 ? q[(n + 1) / 2] : (q[n / 2] + q[n / 2 + 1]) / 2 }'
}

# The median over the rounds of one figure of A divided by one of B taken in
# the same round (workload, metric, system each), from runs.csv.  A round
# runs the systems of a workload one after the other, so a change of the
# machine's speed between rounds (this machine has two, minutes apart) falls
# on both sides of each quotient, where a quotient of the two medians may
# pair a fast run of one with a slow run of the other.
paired_ratio() {
	awk -F, -v wa="$2" -v ma="$3" -v sa="$4" -v wb="$5" -v mb="$6" -v sb="$7" '
	NR > 1 && $1 == wa && $4 == ma && $2 == sa { a[$3] = $5 }
	NR > 1 && $1 == wb && $4 == mb && $2 == sb { b[$3] = $5 }
	END {
		for (r in a)
			if ((r in b) && b[r] > 0)
				print a[r] / b[r]
	}' "$1" | median_line
}

# The median over the rounds of A's speedup from workload W1 to W2 (its
# figure in W1 over its figure in W2) divided by B's in the same round: how
# much of what the machine gave B (the plain compute reference) A got.
relative_speedup() {
	awk -F, -v w1="$2" -v w2="$3" -v m="$4" -v sa="$5" -v sb="$6" '
	NR > 1 && $4 == m && ($2 == sa || $2 == sb) && ($1 == w1 || $1 == w2) { v[$1, $2, $3] = $5; r[$3] = 1 }
	END {
		for (x in r)
			if ((w1, sa, x) in v && (w2, sa, x) in v && (w1, sb, x) in v && (w2, sb, x) in v &&
			    v[w2, sa, x] > 0 && v[w1, sb, x] > 0)
				print (v[w1, sa, x] / v[w2, sa, x]) / (v[w1, sb, x] / v[w2, sb, x])
	}' "$1" | median_line
}

# A figure as a person reads it: 58254, 132, 5.96.
num() {
	[[ -n $1 ]] && awk -v v="$1" 'BEGIN { printf (v >= 100 ? "%.0f" : "%.3g"), v }'
}

check_targets() {
	local res=$1 raw=$2 model ctx y c t1 t2 mem gomem peak ret q
	echo "### Targets (ratios within this run)"
	echo
	echo "Each target is checked on the median of the per-round ratios (the two" \
		"systems' runs of one round were seconds apart); the figures beside it" \
		"are the medians of the tables above."
	echo
	echo "| target | figures | result |"
	echo "|---|---|---|"
	ctx=$(median_of "$res" yield yield context)
	for model in tmm-m1 tmm-mn; do
		local name=${SYSTEM_LABEL[$model]}
		y=$(median_of "$res" yield yield "$model")
		q=$(paired_ratio "$raw" yield yield "$model" yield yield context)
		target_row "$name yield within 3× of the bare switch" "$q" "<=" 3 \
			"$(num "$y") ns vs $(num "$ctx") ns; per round $q×"
		for peer in fiber go; do
			local p
			p=$(median_of "$res" yield yield $peer)
			q=$(paired_ratio "$raw" yield yield $peer yield yield "$model")
			target_row "$name yield ≥ 3× faster than ${SYSTEM_LABEL[$peer]}" \
				"$q" ">=" 3 "$(num "$p") ns vs $(num "$y") ns; per round $q×"
		done
		c=$(median_of "$res" create create_join "$model")
		for peer in fiber go pthread; do
			local goal=3
			[[ $peer == pthread ]] && goal=100
			p=$(median_of "$res" create create_join $peer)
			q=$(paired_ratio "$raw" create create_join $peer create create_join "$model")
			target_row "$name create+join ≥ $goal× faster than ${SYSTEM_LABEL[$peer]}" \
				"$q" ">=" $goal "$(num "$p") ns vs $(num "$c") ns; per round $q×"
		done
	done
	local m p xm xb xp
	m=$(median_of "$res" mutex mutex_handoff tmm-mn)
	p=$(median_of "$res" mutex mutex_handoff pthread)
	q=$(paired_ratio "$raw" mutex mutex_handoff pthread mutex mutex_handoff tmm-mn)
	target_row "tmm m:n contended mutex (both threads on one worker) faster than pthreads" \
		"$q" ">" 1 "$(num "$m") ns vs $(num "$p") ns; per round $q×"
	# Between threads on different workers (bound to processors 0 and 1):
	# the mutex workload, and how often the mutex changed kernel thread in it
	# (a barging mutex mostly goes back to the thread that let it go) ...
	m=$(median_of "$res" mutex mutex_handoff tmm-mn-bound)
	q=$(paired_ratio "$raw" mutex mutex_handoff pthread mutex mutex_handoff tmm-mn-bound)
	xm=$(median_of "$res" mutex other_kthread tmm-mn)
	xb=$(median_of "$res" mutex other_kthread tmm-mn-bound)
	xp=$(median_of "$res" mutex other_kthread pthread)
	if [[ -n $m ]]; then
		local shares="acquisitions on another kernel thread than the last:"
		shares+=" bound $(num "$xb") %, unbound $(num "$xm") %, pthreads $(num "$xp") %"
		target_row "tmm m:n mutex between threads on two workers (bound) faster than pthreads" \
			"$q" ">" 1 "$(num "$m") ns vs $(num "$p") ns; per round $q×; $shares"
	fi
	# ... and the relay workload, where every step is a handoff between them.
	m=$(median_of "$res" relay mutex_relay tmm-mn-bound)
	p=$(median_of "$res" relay mutex_relay pthread)
	q=$(paired_ratio "$raw" relay mutex_relay pthread relay mutex_relay tmm-mn-bound)
	if [[ -n $m ]]; then
		target_row "tmm m:n mutex handoff between threads on two workers (bound; relay: every step a handoff) faster than pthreads" \
			"$q" ">" 1 "$(num "$m") ns vs $(num "$p") ns; per round $q×"
	fi
	t1=$(median_of "$res" forkjoin-1 forkjoin tmm-mn)
	t2=$(median_of "$res" forkjoin-2 forkjoin tmm-mn)
	q=$(paired_ratio "$raw" forkjoin-1 forkjoin tmm-mn forkjoin-2 forkjoin tmm-mn)
	target_row "tmm m:n fork-join on 2 kernel threads ≥ 1.8× faster than on 1" \
		"$q" ">=" 1.8 "$(num "$t1") ms vs $(num "$t2") ms; per round $q×"
	t1=$(median_of "$res" forkjoin-1 forkjoin compute)
	t2=$(median_of "$res" forkjoin-2 forkjoin compute)
	q=$(paired_ratio "$raw" forkjoin-1 forkjoin compute forkjoin-2 forkjoin compute)
	if [[ -n $q ]]; then
		echo "| the machine: plain compute on 2 kernel threads faster than on 1 (the ceiling" \
			"for the row above) | $(num "$t1") ms vs $(num "$t2") ms; per round $q× | reference |"
		q=$(relative_speedup "$raw" forkjoin-1 forkjoin-2 forkjoin tmm-mn compute)
		echo "| tmm m:n's fork-join speedup over the machine's, per round | ${q:-—}× | reference |"
	fi
	mem=$(median_of "$res" live-1m mem_per_thread tmm-mn)
	gomem=$(median_of "$res" live-1m mem_per_thread go)
	peak=$(peak_of "$res" live-1m tmm-mn)
	target_row "tmm m:n: 1,000,000 live threads fit in 24 GiB" "${peak:+$((peak / 1024))}" "<=" \
		$((24 * 1024)) "peak RSS ${peak:+$((peak / 1024))} MiB"
	target_row "tmm m:n: memory per live thread ≤ Go's (1,000,000)" "$mem" "<=" "$gomem" \
		"$(num "$mem") B vs $(num "$gomem") B"
	ret=$(median_of "$res" blocking retained tmm-mn)
	target_row "tmm m:n keeps ≥ 90% of CPU-bound throughput beside blocked threads" \
		"$ret" ">=" 90 "$(num "$ret") %"
	ret=$(median_of "$res" blocking retained tmm-m1)
	echo "| tmm m:1 shows the stall of a blocking read | $(num "$ret") % retained |" \
		"$([[ -n $ret ]] && echo shown || echo not measured) |"
}

# One PNG per workload: a panel per metric, a bar per system (the median)
# with the min–max range; tmm's models, the peers and the references each in
# a colour of their own.
draw_charts() {
	local res=$1 out=$2 w
	mkdir -p "$out/chart-data"
	for w in "${WORKLOADS[@]}"; do
		grep -q "^$w," "$res" || continue
		draw_chart "$res" "$out" "$w"
	done
}

draw_chart() {
	local res=$1 out=$2 w=$3 metric metrics n script
	metrics=$(awk -F, -v w="$w" '$1 == w && !seen[$2]++ { print $2 }' "$res")
	n=$(echo "$metrics" | wc -l)
	# Panels side by side, in two rows from four on.
	local rows=$(((n + 2) / 3)) cols
	cols=$(((n + rows - 1) / rows))
	script="set terminal pngcairo noenhanced size $((560 * cols)),$((460 * rows + 20)) font 'DejaVu Sans,10'
set output '$out/$w.png'
set multiplot layout $rows,$cols title '$w: median, min–max; tmm blue, peers orange, references grey'
set style fill solid 0.8 border -1
set boxwidth 0.7
set grid ytics
set xtics rotate by -30
set key off
set tmargin 5
set offsets 0, 0, graph 0.1, 0"
	for metric in $metrics; do
		local data=$out/chart-data/$w.$metric.dat unit better scale scale_note
		awk -F, -v w="$w" -v m="$metric" -v labels="$(system_labels)" -v refs="${REFERENCES[*]}" '
		BEGIN {
			n = split(labels, kv, ";"); for (i = 1; i <= n; i++) { split(kv[i], p, "="); l[p[1]] = p[2] }
			n = split(refs, rs, " "); for (i = 1; i <= n; i++) reference[rs[i]] = 1
		}
		# Colour: 1 tmm, 2 a peer, 3 a reference.
		$1 == w && $2 == m { printf "\"%s\" %s %s %s %d\n", l[$5], $6, $7, $8, ($5 ~ /^tmm-/) ? 1 : ($5 in reference) ? 3 : 2 }' \
			"$res" >"$data"
		unit=$(awk -F, -v w="$w" -v m="$metric" '$1 == w && $2 == m { print $3; exit }' "$res")
		better=$(awk -F, -v w="$w" -v m="$metric" '$1 == w && $2 == m { print $4; exit }' "$res")
		# A logarithmic axis when the systems are orders of magnitude apart.
		scale=$(awk '{ v = $(NF - 3) } v > 0 { if (!lo || v < lo) lo = v; if (v > hi) hi = v }
			END { print (lo > 0 && hi / lo > 30) ? "log" : "linear" }' "$data")
		scale_note=
		if [[ $scale == log ]]; then
			scale_note=", log scale"
			script+=$'\nset logscale y\nset yrange [*:*]'
		else
			script+=$'\nunset logscale y\nset yrange [0:*]'
		fi
		local ranking="$better is better"
		[[ $better == neutral ]] && ranking="not a ranking"
		script+="
set title \"$metric ($unit, $ranking${scale_note})\"
set ylabel '$unit'
plot '$data' using 0:2:(\$5 == 1 ? 0x2a6fdb : \$5 == 3 ? 0x9a9a9a : 0xe08a1e):xtic(1) with boxes lc rgb variable, \\
     '' using 0:2:3:4 with yerrorbars lc rgb 'black' pt 0, \\
     '' using 0:4:(\$2 >= 100 ? sprintf('%.0f', \$2) : sprintf('%.3g', \$2)) with labels offset 0,1.1 font ',9'"
	done
	script+="
unset multiplot"
	echo "$script" | gnuplot 2>"$out/chart-data/$w.gnuplot.err" ||
		echo "bench: gnuplot failed for $w (see $out/chart-data/$w.gnuplot.err)" >&2
}
