#!/usr/bin/env bash
# A Postfix of the tests' own on loopback, for PostfixPartialSendIT: a real MTA that refuses one
# RCPT for good and another for now, and delivers what it accepts into a Maildir a test can read.
# Run as root on Debian 12. Idempotent: an instance already running is reused, its maps rewritten.
#
#   .ci/postfix.sh start    install Postfix if missing, (re)write the instance, start it; prints the port
#   .ci/postfix.sh stop     stop the instance (the system's own Postfix is never started or stopped)
#   .ci/postfix.sh status   exit 0 if the instance runs
#   .ci/postfix.sh env      the variables PostfixPartialSendIT reads
#
# The instance (not Debian's default one, which stays stopped):
#   - listens on 127.0.0.1:$MAILROOM_CI_POSTFIX_PORT (2525) only, nothing else;
#   - takes mail for the domain example.test only and relays nothing anywhere (default_transport =
#     error): no mail can leave the machine;
#   - answers RCPT TO:<rejected@example.test> with 550 5.1.1 (user unknown) and
#     RCPT TO:<deferred@example.test> with 450 4.2.1 (mailbox busy), from a recipient access map;
#   - delivers mail for valid@example.test (and other@example.test) into Maildirs under
#     $BASE/mail/<address>/new/.
set -euo pipefail

PORT=${MAILROOM_CI_POSTFIX_PORT:-2525}
BASE=${MAILROOM_CI_POSTFIX_DIR:-/var/lib/mailroom-postfix}
CONF=$BASE/etc
MAIL=$BASE/mail
DOMAIN=example.test
# Virtual deliveries run as this user (Postfix refuses root); the tests read the Maildirs as root.
MAIL_USER=${MAILROOM_CI_POSTFIX_MAIL_USER:-nobody}

export DEBIAN_FRONTEND=noninteractive

log() {
    echo "postfix.sh: $*" >&2
}

install_postfix() {
    if command -v postfix >/dev/null 2>&1; then
        return
    fi
    log "installing Postfix"
    # "Local only": the package's own instance is set up for loopback and not for the internet.
    echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
    echo "postfix postfix/mailname string mailroom.test" | debconf-set-selections
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends postfix >&2
}

running() {
    postfix -c "$CONF" status >/dev/null 2>&1
}

write_instance() {
    mkdir -p "$CONF" "$BASE/spool" "$BASE/data" "$BASE/log" "$MAIL"
    # postfix -c refuses a configuration directory the default one does not list.
    local listed
    listed=$(postconf -h alternate_config_directories)
    if [[ " ${listed//,/ } " != *" $CONF "* ]]; then
        postconf -e "alternate_config_directories = ${listed:+$listed, }$CONF"
    fi
    local uid gid
    uid=$(id -u "$MAIL_USER")
    gid=$(id -g "$MAIL_USER")
    chown "$uid:$gid" "$MAIL"
    # Postfix keeps its lock and caches here, as its own user.
    chown postfix "$BASE/data"

    cat >"$CONF/main.cf" <<EOF
# Written by .ci/postfix.sh: a test relay on loopback, see that script.
compatibility_level = 3.6
queue_directory = $BASE/spool
data_directory = $BASE/data
maillog_file = $BASE/log/postfix.log
myhostname = postfix.mailroom.test
mydomain = mailroom.test
myorigin = \$myhostname
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
relay_domains =
relayhost =
# Nothing is ever sent on: mail for any other domain bounces at once.
default_transport = error:this test relay delivers to $DOMAIN only
relay_transport = error:this test relay delivers to $DOMAIN only
local_transport = error:this test relay has no local users
alias_maps =
alias_database =
smtpd_banner = \$myhostname ESMTP mailroom test relay
biff = no
smtputf8_enable = no
virtual_mailbox_domains = $DOMAIN
virtual_mailbox_base = $MAIL
virtual_mailbox_maps = hash:$CONF/vmailbox
virtual_minimum_uid = 1
virtual_uid_maps = static:$uid
virtual_gid_maps = static:$gid
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions = check_recipient_access hash:$CONF/access, permit_mynetworks, reject_unauth_destination
# Every RCPT gets its verdict at once (no waiting for DATA).
smtpd_delay_reject = yes
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 100
smtpd_hard_error_limit = 200
EOF

    # Only the services this instance needs; none chrooted (nothing copied into the queue directory).
    cat >"$CONF/master.cf" <<EOF
# Written by .ci/postfix.sh.
127.0.0.1:$PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF

    # Postfix adds "<address>: Recipient address rejected:" before the text.
    cat >"$CONF/access" <<EOF
rejected@$DOMAIN 550 5.1.1 User unknown
deferred@$DOMAIN 450 4.2.1 Mailbox busy, try again later
EOF
    # A trailing slash: a Maildir.
    cat >"$CONF/vmailbox" <<EOF
valid@$DOMAIN valid@$DOMAIN/
other@$DOMAIN other@$DOMAIN/
EOF
    postmap "$CONF/access" "$CONF/vmailbox"
}

port_taken_by_other() {
    ss -Hltn "sport = :$PORT" 2>/dev/null | grep -q . && ! running
}

start() {
    install_postfix
    if port_taken_by_other; then
        log "port $PORT is in use by something else; set MAILROOM_CI_POSTFIX_PORT to a free port"
        exit 1
    fi
    write_instance
    if running; then
        postfix -c "$CONF" reload >&2
    else
        postfix -c "$CONF" check >&2
        postfix -c "$CONF" start >&2
    fi
    local ready=false
    for _ in $(seq 1 30); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
            ready=true
            break
        fi
        sleep 1
    done
    if [[ $ready != true ]]; then
        log "Postfix is not listening on 127.0.0.1:$PORT. Last log lines:"
        tail -n 30 "$BASE/log/postfix.log" >&2 || true
        exit 1
    fi
    log "Postfix test relay up on 127.0.0.1:$PORT, Maildirs under $MAIL"
    echo "$PORT"
}

stop() {
    if command -v postfix >/dev/null 2>&1 && [[ -f $CONF/main.cf ]] && running; then
        postfix -c "$CONF" stop >&2
        log "stopped"
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) running ;;
    env)
        echo "export MAILROOM_IT_POSTFIX_PORT=$PORT MAILROOM_IT_POSTFIX_MAILDIR=$MAIL"
        ;;
    *)
        echo "usage: $0 start|stop|status|env" >&2
        exit 2
        ;;
esac
