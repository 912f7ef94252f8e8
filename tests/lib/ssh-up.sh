#!/bin/bash
# ssh-up.sh DIR PORT... -- one sshd per PORT on 127.0.0.1; keys, configs, logs
# and pid files in DIR; client config DIR/ssh_config names them h1, h2, ...
# MaxSessions stays sshd's default (10), as on the hosts users have.
set -eu
D=$1; shift
mkdir -p "$D"; chmod 700 "$D"
[ -f "$D/id" ] || ssh-keygen -q -t ed25519 -N '' -C fanout-test -f "$D/id"
cp "$D/id.pub" "$D/authorized_keys"; chmod 600 "$D/authorized_keys"
[ "$(id -u)" != 0 ] || mkdir -p -m 0755 /run/sshd   # privilege separation dir, root only
: > "$D/known_hosts"; : > "$D/ssh_config.hosts"; n=0
for port; do
  n=$((n+1)); h=$D/h$n; mkdir -p "$h"
  ssh-keygen -q -t ed25519 -N '' -f "$h/host_key"
  cat > "$h/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $h/host_key
PidFile $h/sshd.pid
AuthorizedKeysFile $D/authorized_keys
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
StrictModes no
MaxStartups 64:30:128
Subsystem sftp internal-sftp
CONF
  /usr/sbin/sshd -f "$h/sshd_config" -E "$h/sshd.log"   # absolute path: sshd re-execs itself
  echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$h/host_key.pub")" >> "$D/known_hosts"
  printf 'Host h%d\n  HostName 127.0.0.1\n  Port %d\n' "$n" "$port" >> "$D/ssh_config.hosts"
done
{ cat "$D/ssh_config.hosts"
  printf 'Host *\n  User %s\n  IdentityFile %s/id\n  IdentitiesOnly yes\n' "$(id -un)" "$D"
  printf '  UserKnownHostsFile %s/known_hosts\n  StrictHostKeyChecking yes\n' "$D"
  printf '  BatchMode yes\n  LogLevel ERROR\n'; } > "$D/ssh_config"
for i in $(seq "$n"); do       # sshd exits 0 even if it could not bind: log in to be sure
  for t in $(seq 50); do ssh -F "$D/ssh_config" "h$i" true 2>/dev/null && break; sleep 0.1; done
  ssh -F "$D/ssh_config" "h$i" true
done
