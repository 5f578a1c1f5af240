# Sourced by .ci/run (and usable by hand): a private Docker engine for the Testcontainers
# tests, and the base image they build their SSH and PostgreSQL images on.
#
#   source .ci/docker.sh
#   docker_up            # install docker.io and debootstrap if missing, start dockerd
#   docker_base_image    # local/debian:bookworm from debootstrap (no registry needed)
#   ...                  # DOCKER_HOST and the Testcontainers settings are exported
#   docker_down          # stop dockerd by PID, remove what it added to the host
#
# dockerd changes host networking: it sets net.ipv4.ip_forward=1, adds iptables chains
# and rules (FORWARD policy DROP, DOCKER*, MASQUERADE), a docker0 bridge and one br-*
# bridge per network. docker_down puts back the filter and nat tables and ip_forward saved by
# docker_up and deletes the bridges that were not there before. It never touches a
# dockerd it did not start.

SSHT_DOCKER_ROOT="${SSHT_DOCKER_ROOT:-/tmp/ssh-tunnel-docker}"
SSHT_DOCKER_PID=""

# The filter and nat tables as iptables-restore takes them; a table that is not loaded
# yet is written as empty with ACCEPT policies (what the kernel has without one), so
# that restoring it removes everything dockerd added.
save_iptables() {
	local table chains saved
	for table in filter nat; do
		saved="$(iptables-save -t "$table" 2>/dev/null | grep -v '^#' || true)"
		if [ -n "$saved" ]; then
			printf '%s\n' "$saved"
			continue
		fi
		case "$table" in
		filter) chains="INPUT FORWARD OUTPUT" ;;
		nat) chains="PREROUTING INPUT OUTPUT POSTROUTING" ;;
		esac
		echo "*$table"
		for chain in $chains; do echo ":$chain ACCEPT [0:0]"; done
		echo "COMMIT"
	done
}

docker_up() {
	local need=()
	command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
	command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
	command -v iptables >/dev/null 2>&1 || need+=(iptables)
	if [ ${#need[@]} -gt 0 ]; then
		apt-get update -qq || return 1
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null ||
			return 1
	fi
	if [ -e "$SSHT_DOCKER_ROOT/dockerd.started-pid" ] && kill -0 "$(cat "$SSHT_DOCKER_ROOT/dockerd.started-pid")" 2>/dev/null; then
		echo "a dockerd started from $SSHT_DOCKER_ROOT is still running; set SSHT_DOCKER_ROOT" >&2
		return 1
	fi
	mkdir -p "$SSHT_DOCKER_ROOT" || return 1
	# what docker_down restores
	sysctl -n net.ipv4.ip_forward >"$SSHT_DOCKER_ROOT/ip_forward.before"
	save_iptables >"$SSHT_DOCKER_ROOT/iptables.before" || return 1
	ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort >"$SSHT_DOCKER_ROOT/links.before"
	if [ -f /etc/docker/key.json ]; then touch "$SSHT_DOCKER_ROOT/keyjson.existed"; fi

	export DOCKER_HOST="unix://$SSHT_DOCKER_ROOT/docker.sock"
	dockerd --data-root "$SSHT_DOCKER_ROOT/data" --exec-root "$SSHT_DOCKER_ROOT/exec" \
		--pidfile "$SSHT_DOCKER_ROOT/dockerd.pid" -H "$DOCKER_HOST" --mtu 1400 \
		>"$SSHT_DOCKER_ROOT/dockerd.log" 2>&1 &
	SSHT_DOCKER_PID=$!
	echo "$SSHT_DOCKER_PID" >"$SSHT_DOCKER_ROOT/dockerd.started-pid"
	local i
	for i in $(seq 1 60); do
		docker version >/dev/null 2>&1 && break
		if ! kill -0 "$SSHT_DOCKER_PID" 2>/dev/null; then
			cat "$SSHT_DOCKER_ROOT/dockerd.log" >&2
			echo "dockerd exited" >&2
			return 1
		fi
		sleep 1
	done
	docker version >/dev/null || { cat "$SSHT_DOCKER_ROOT/dockerd.log" >&2; return 1; }
	# Testcontainers: no Ryuk (docker_down removes leftovers), and no gateway probing
	# with an alpine container (this machine looks like a container to it)
	export TESTCONTAINERS_RYUK_DISABLED=true
	export TESTCONTAINERS_HOST_OVERRIDE=localhost
	echo "dockerd running (PID $SSHT_DOCKER_PID, $DOCKER_HOST)"
}

# The base image of the test containers, made without a registry: a minimal Debian
# bookworm from the mirror apt uses here.
docker_base_image() {
	local image="${1:-local/debian:bookworm}"
	if docker image inspect "$image" >/dev/null 2>&1; then
		return 0
	fi
	local mirror
	mirror="$(grep -hoE '^(URIs:|deb) +https?://[^ ]+' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
		grep -v security | head -n 1 | awk '{print $2}' || true)"
	mirror="${mirror:-http://deb.debian.org/debian}"
	local rootfs="$SSHT_DOCKER_ROOT/rootfs"
	rm -rf "$rootfs"
	debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$SSHT_DOCKER_ROOT/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$SSHT_DOCKER_ROOT/debootstrap.log" >&2; return 1; }
	rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
	tar -C "$rootfs" -c . | docker import -c 'CMD ["/bin/bash"]' - "$image" >/dev/null || return 1
	rm -rf "$rootfs"
	docker image inspect "$image" >/dev/null || return 1
	echo "base image $image built from $mirror"
}

docker_down() {
	set +e
	if [ -n "${DOCKER_HOST:-}" ] && [ -n "$SSHT_DOCKER_PID" ] && kill -0 "$SSHT_DOCKER_PID" 2>/dev/null; then
		local leftovers
		leftovers="$(docker ps -aq 2>/dev/null)"
		[ -n "$leftovers" ] && docker rm -f $leftovers >/dev/null 2>&1
		docker network prune -f >/dev/null 2>&1
		kill "$SSHT_DOCKER_PID"
		local i
		for i in $(seq 1 30); do kill -0 "$SSHT_DOCKER_PID" 2>/dev/null || break; sleep 1; done
		kill -0 "$SSHT_DOCKER_PID" 2>/dev/null && kill -9 "$SSHT_DOCKER_PID"
		wait "$SSHT_DOCKER_PID" 2>/dev/null
		echo "dockerd (PID $SSHT_DOCKER_PID) stopped"
	fi
	SSHT_DOCKER_PID=""
	if [ -f "$SSHT_DOCKER_ROOT/links.before" ]; then
		local link
		for link in $(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort |
			comm -13 "$SSHT_DOCKER_ROOT/links.before" -); do
			case "$link" in
			docker0 | br-* | veth*) ip link delete "$link" 2>/dev/null ;;
			esac
		done
	fi
	if [ -f "$SSHT_DOCKER_ROOT/iptables.before" ]; then
		iptables-restore <"$SSHT_DOCKER_ROOT/iptables.before"
	fi
	if [ -f "$SSHT_DOCKER_ROOT/ip_forward.before" ]; then
		sysctl -q -w net.ipv4.ip_forward="$(cat "$SSHT_DOCKER_ROOT/ip_forward.before")"
	fi
	if [ ! -f "$SSHT_DOCKER_ROOT/keyjson.existed" ]; then
		rm -f /etc/docker/key.json
	fi
	# the daemon's own state (images, containers, its sockets): ours alone
	umount -R "$SSHT_DOCKER_ROOT/data" 2>/dev/null
	rm -rf "$SSHT_DOCKER_ROOT"
	unset DOCKER_HOST
	set -e
}
