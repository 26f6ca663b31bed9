# rpc_servers.sh - sourced by tests/e2e/rpc_devices.sh and bench/rpc.sh:
# llama.cpp's RPC servers on loopback, a second (and third) device on a
# machine without GPUs.
#   rpc_server_bin BINDIR   prints the server binary (ggml-rpc-server or
#                           rpc-server of that llama.cpp build), or nothing
#   rpc_start BIN N LOGDIR  starts N servers on 127.0.0.1, each on its own
#                           port, and waits (5 s at most) until each
#                           listens; sets rpc_eps ("127.0.0.1:P1,...") and
#                           rpc_pids; returns 1 when one does not listen
#   rpc_stop                stops them
rpc_server_bin() {
    local c
    for c in "$1/ggml-rpc-server" "$1/rpc-server"; do [ -x "$c" ] && { echo "$c"; return 0; }; done
    return 1
}
rpc_start() {
    local bin="$1" n="$2" logs="$3" i port up
    rpc_eps="" rpc_pids=""
    for i in $(seq 1 "$n"); do
        port=$((20000 + ($$ * 7 + i * 101) % 40000))
        "$bin" -H 127.0.0.1 -p "$port" >"$logs/rpc$i.log" 2>&1 &
        rpc_pids="$rpc_pids $!"
        up=0
        for _ in $(seq 1 50); do
            (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { up=1; break; }
            sleep 0.1
        done
        [ "$up" = 1 ] || return 1
        rpc_eps="${rpc_eps:+$rpc_eps,}127.0.0.1:$port"
    done
}
rpc_stop() {
    local p
    for p in $rpc_pids; do kill "$p" 2>/dev/null; done
    for p in $rpc_pids; do wait "$p" 2>/dev/null; done
    rpc_pids=""
}
