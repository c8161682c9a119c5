#!/usr/bin/env bash
# Creates or updates the Secret parley-connections (RABBITMQ_URL, MONGODB_URL) in the production
# namespace from the secrets that the two operators generate:
#   parley-rabbitmq-default-user   (RabbitMQ Cluster Operator: username, password, host, port)
#   parley-mongodb-connection      (MongoDB Community Operator: connectionString.standard)
# Run it after both clusters are ready, and again after rotating either credential; then restart
# the services: kubectl -n parley rollout restart deployment
#
# usage: deploy/k8s/overlays/production/make-connections-secret.sh [namespace]
set -euo pipefail

ns="${1:-parley}"

secret_value() {  # secret_value SECRET KEY  (dots in KEY must be escaped for jsonpath)
  kubectl -n "$ns" get secret "$1" -o "jsonpath={.data.$2}" | base64 -d
}

# The operator generates URL-safe (base64url) credentials, so they go into the URL as they are.
rmq_user="$(secret_value parley-rabbitmq-default-user username)"
rmq_pass="$(secret_value parley-rabbitmq-default-user password)"
rmq_host="$(secret_value parley-rabbitmq-default-user host)"
rmq_port="$(secret_value parley-rabbitmq-default-user port)"
rabbitmq_url="amqp://${rmq_user}:${rmq_pass}@${rmq_host}:${rmq_port}/"

mongodb_url="$(secret_value parley-mongodb-connection 'connectionString\.standard')"

if [[ -z "$rmq_user" || -z "$rmq_pass" || -z "$rmq_host" || -z "$mongodb_url" ]]; then
  echo "operator secrets are not complete yet in namespace $ns" >&2
  exit 1
fi

kubectl -n "$ns" create secret generic parley-connections \
  --from-literal=RABBITMQ_URL="$rabbitmq_url" \
  --from-literal=MONGODB_URL="$mongodb_url" \
  --dry-run=client -o yaml \
  | kubectl -n "$ns" apply -f -
echo "secret/parley-connections updated in namespace $ns"
