#!/usr/bin/env bash
# The deployment of docs/DEPLOY.md on one machine, without containers: a throwaway PostgreSQL,
# two `hookscope serve --database` instances and nginx with TLS (a self-signed certificate) in
# front, using deploy/nginx.conf with its upstreams pointed at the two local receivers. Posts
# 20 deliveries and a duplicate through the proxy and prints what each instance's API counts.
# Needs nginx and openssl (Debian: apt-get install nginx-light openssl) and `npm run build`.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d /tmp/hookscope-deploy-XXXXXX)
cd "$dir"
mkdir certs
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
  -keyout certs/privkey.pem -out certs/fullchain.pem 2>/dev/null
node "$repo/scripts/pg-cluster.mjs" >pg.out 2>&1 &
pg=$!
a='' b=''
trap 'kill $a $b $pg 2>/dev/null || true; nginx -s stop -c "$dir/nginx.conf" 2>/dev/null || true; wait; rm -rf "$dir"' EXIT
until grep -q '^postgres://' pg.out; do kill -0 $pg || { cat pg.out; exit 1; }; sleep 0.5; done
url=$(grep -m1 '^postgres://' pg.out)
export HOOKSCOPE_SECRET_KEY HOOKSCOPE_TRUSTED_PROXIES=127.0.0.1
HOOKSCOPE_SECRET_KEY=$(openssl rand -base64 32)
serve() {
  HOOKSCOPE_DATA_DIR="$dir/$1" node "$repo/bin/hookscope.js" serve --database "$url" \
    --host 127.0.0.1 --receiver-port "$2" --api-port "$3" --no-open --json >"$1.out" 2>&1 &
}
serve a 17700 17701
a=$!
serve b 17710 17711
b=$!
until grep -q apiUrl a.out && grep -q apiUrl b.out; do
  kill -0 $a && kill -0 $b || { cat a.out b.out; exit 1; }
  sleep 0.5
done
sed -e 's#hookscope-a:7700#127.0.0.1:17700#; s#hookscope-b:7700#127.0.0.1:17710#' \
  -e 's#listen 443 ssl http2;#listen 127.0.0.1:8443 ssl http2;#' \
  -e "s#/etc/nginx/certs#$dir/certs#g" "$repo/deploy/nginx.conf" |
  sed -e "1i pid $dir/nginx.pid;\nerror_log $dir/nginx.err;" \
    -e "s#^http {#http {\n  log_format up '\$upstream_addr';\n  access_log $dir/access.log up;\n  client_body_temp_path $dir/body;\n  proxy_temp_path $dir/proxy;#" >nginx.conf
nginx -t -c "$dir/nginx.conf"
nginx -c "$dir/nginx.conf"
post() {
  curl -sk -o /dev/null -w '%{http_code}\n' -X POST https://127.0.0.1:8443/hooks/team \
    -H 'content-type: application/json' -H "Idempotency-Key: deploy-$1" -d "{\"n\":$1}"
}
echo "20 deliveries and a repeat of the first, through nginx (HTTP status: count):"
{ for i in $(seq 1 20); do post "$i"; done; post 1; } | sort | uniq -c
echo "taken by (upstream: count):"
sort access.log | uniq -c
count() {
  local token
  token=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$1.out','utf8').split('\n')[0]).token)")
  curl -s -X POST "http://127.0.0.1:$2/api/countEvents" -H "Authorization: Bearer $token" -d '{}'
  echo
}
echo "instance a counts: $(count a 17701)"
echo "instance b counts: $(count b 17711)"
