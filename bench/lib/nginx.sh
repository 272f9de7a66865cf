# Sourced by bench/run: a plain nginx reverse proxy for Server-Sent Events in front of the
# simulator, the baseline Tollgate's cost per answer is compared with. Debian's nginx, installed
# with apt-get when it is missing and we are root; configured as such a proxy is in production:
# no buffering, HTTP/1.1 to the upstream with keep-alive, no access log (Liberty writes none).

nginx_say() { printf '[nginx] %s\n' "$*" >&2; }

# Installs nginx if it is missing and it may; returns 1 (and says why) if there is none.
nginx_install() {
  command -v nginx >/dev/null && return 0
  [ -x /usr/sbin/nginx ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    nginx_say "nginx is not installed and I cannot install it (need root and apt-get): no nginx path."
    return 1
  fi
  nginx_say "installing Debian's nginx package with apt-get."
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx >/dev/null; then
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx >/dev/null || return 1
  fi
  # The package starts its own server on port 80; the benchmark runs one of its own.
  (command -v systemctl >/dev/null && systemctl stop nginx 2>/dev/null) || /usr/sbin/nginx -s quit 2>/dev/null || true
}

# nginx_start PORT UPSTREAM_PORT DIR: runs nginx in the foreground of a background job (so $! is
# its master), its configuration, logs and temporary files in DIR; sets nginx_pid.
nginx_start() {
  local port=$1 upstream=$2 dir=$3
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<CONF
worker_processes auto;
worker_rlimit_nofile 65536;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 32768; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  upstream simulator {
    server 127.0.0.1:$upstream;
    keepalive 1024;
  }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://simulator;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_read_timeout 1h;
    }
  }
}
CONF
  "$(command -v nginx || echo /usr/sbin/nginx)" -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' &
  nginx_pid=$!
  for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  nginx_say "nginx did not start; see $dir/error.log"
  return 1
}
