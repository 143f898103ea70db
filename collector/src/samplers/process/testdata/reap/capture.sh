#!/bin/bash
# Captures a `sh` parent reaping a `dd` child: /proc/<pid>/{stat,status,io,schedstat} of the sh
# and of each of its children, and /proc/uptime, about once a second until the sh exits.
#   capture.sh OUT tail   dd exits right after its last write (64 KiB O_DIRECT|O_DSYNC writes)
#   capture.sh OUT idle   dd writes 200 MiB from a FIFO, then idles 1.5 s on it before it exits
set -u
out=$1; mode=$2; w=$(mktemp -d); mkfifo "$w/gate" "$w/feed"
rm -rf "$out"; mkdir -p "$out"
# `read` is a builtin: the sh has no child until the first snapshot is taken.
if [ "$mode" = tail ]; then
  sh -c "read x < $w/gate; dd if=/dev/zero of=$w/out bs=64k count=1600 oflag=direct,dsync status=none; sleep 1" &
else
  sh -c "read x < $w/gate; dd if=$w/feed of=$w/out bs=1M iflag=fullblock oflag=direct,dsync status=none; sleep 1" &
fi
P=$!
kids() { for s in /proc/[0-9]*/stat; do l=$(cat "$s" 2>/dev/null) || continue; r=${l##*) }; set -- $r
  [ "$2" = "$P" ] && { p=${s#/proc/}; echo "${p%/stat}"; }; done; }
snap() { local d=$out/$1; mkdir -p "$d"; awk '{print $1}' /proc/uptime > "$d/uptime"
  for pid in $P $(kids); do mkdir -p "$d/$pid"
    for f in stat status io schedstat; do cat "/proc/$pid/$f" > "$d/$pid/$f" 2>/dev/null || { rm -rf "${d:?}/$pid"; break; }; done
  done; }
sleep 0.2; snap 0
if [ "$mode" = tail ]; then echo go > "$w/gate"; else
  ( echo go > "$w/gate"; exec 3>"$w/feed"; head -c 209715200 /dev/zero >&3; sleep 1.5 ) & fi
i=1
while [ -d "/proc/$P" ] && [ $i -lt 40 ]; do sleep 0.5; snap $i; i=$((i+1)); done
wait 2>/dev/null; rm -rf "$w"
