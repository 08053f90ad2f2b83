#!/usr/bin/env bash
# Back up the platform: the database and the uploaded files, then prune old backups.
#
#   deploy/backup.sh            one backup into $BACKUP_DIR/<UTC time>/, then the pruning
#   deploy/backup.sh --prune    only the pruning
#
# A backup is a directory holding
#   database.dump   pg_dump --format=custom of DATABASE_URL (restore with pg_restore)
#   media.tar.gz    MEDIA_ROOT: Wagtail's images, documents and renditions
#   private.tar.gz  PRIVATE_MEDIA_ROOT: volunteers' photos (personal data)
#   SHA256SUMS      checksums of the three
# It is written under .incomplete-<time>/ and renamed only once all of it is written and the
# dump reads back, so a directory named by its time is always a whole backup; a failed run
# (a full disk, a database that went away) leaves nothing and prunes nothing, and exits non-zero.
#
# EXPORTS_ROOT and IMPORTS_ROOT are left out on purpose: they hold report exports (deleted after
# 24 hours) and member sheets and one-time passwords sheets (deleted at their one download or
# after an hour). A backup would keep names, phones and passwords for months that the platform
# promises to keep for hours; nothing in them is lost that cannot be asked for again.
#
# Pruning keeps every backup of the last BACKUP_KEEP_DAYS days, the first backup of each month
# for BACKUP_KEEP_MONTHS months, and always the newest backup.
#
# Environment (the same as the web process's, plus the BACKUP_* ones):
#   DATABASE_URL         postgres://user@host:5432/name (required for a backup)
#   BACKUP_DIR           where backups go; put it on another disk, and copy it off the machine
#                        (default /var/backups/firesafety)
#   MEDIA_ROOT           default: <repository>/media
#   PRIVATE_MEDIA_ROOT   default: <repository>/var/private
#   BACKUP_KEEP_DAYS     default 14
#   BACKUP_KEEP_MONTHS   default 24
#   BACKUP_SNAPSHOT      a snapshot exported by pg_export_snapshot() to dump (deploy/restore_check.py
#                        uses it to count the source in the same snapshot); normally unset
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
BACKUP_DIR=${BACKUP_DIR:-/var/backups/firesafety}
MEDIA_ROOT=${MEDIA_ROOT:-$root/media}
PRIVATE_MEDIA_ROOT=${PRIVATE_MEDIA_ROOT:-$root/var/private}
BACKUP_KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}
BACKUP_KEEP_MONTHS=${BACKUP_KEEP_MONTHS:-24}
STAMP_PATTERN='^[0-9]{8}T[0-9]{6}Z$'

say() { printf '%s\n' "$*" >&2; }

# The files of a directory as a gzipped tar; an absent directory is an empty archive (nothing
# was uploaded yet), said on stderr so that a wrong path is noticed.
archive() {
    local directory=$1 target=$2
    if [ -d "$directory" ]; then
        tar --create --gzip --file="$target" --directory="$directory" .
    else
        say "note: $directory does not exist; $(basename "$target") is empty"
        tar --create --gzip --file="$target" --files-from=/dev/null
    fi
}

backup() {
    : "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to back up}"
    local stamp work target
    stamp=$(date -u +%Y%m%dT%H%M%SZ)
    target="$BACKUP_DIR/$stamp"
    work="$BACKUP_DIR/.incomplete-$stamp"
    umask 077 # names, phones and photos: readable by the backup's owner only
    mkdir -p "$work"
    trap 'rm -rf "$work"' EXIT

    pg_dump --format=custom --file="$work/database.dump" \
        ${BACKUP_SNAPSHOT:+--snapshot="$BACKUP_SNAPSHOT"} --dbname="$DATABASE_URL"
    archive "$MEDIA_ROOT" "$work/media.tar.gz"
    archive "$PRIVATE_MEDIA_ROOT" "$work/private.tar.gz"
    pg_restore --list "$work/database.dump" >/dev/null # the dump reads back
    (cd "$work" && sha256sum database.dump media.tar.gz private.tar.gz >SHA256SUMS)

    mv "$work" "$target"
    trap - EXIT
    printf '%s\n' "$target"
}

prune() {
    [ -d "$BACKUP_DIR" ] || return 0
    local daily_cutoff monthly_cutoff newest name month seen=" "
    daily_cutoff=$(date -u -d "-$BACKUP_KEEP_DAYS days" +%Y%m%dT%H%M%SZ)
    monthly_cutoff=$(date -u -d "$(date -u +%Y-%m-01) -$BACKUP_KEEP_MONTHS months" +%Y%m)
    newest=$(ls -1 "$BACKUP_DIR" | grep -E "$STAMP_PATTERN" | sort | tail -n 1 || true)
    for name in $(ls -1 "$BACKUP_DIR" | grep -E "$STAMP_PATTERN" | sort); do
        month=${name:0:6}
        keep=no
        if [[ $name == "$newest" || $name > $daily_cutoff ]]; then keep=yes; fi
        if [[ $seen != *" $month "* ]]; then # the month's first backup
            seen="$seen$month "
            if [[ ! $month < $monthly_cutoff ]]; then keep=yes; fi
        fi
        if [ "$keep" = no ]; then
            rm -rf "${BACKUP_DIR:?}/$name"
            say "removed $BACKUP_DIR/$name"
        fi
    done
    # Left by a run that was killed before its trap could clean up.
    find "$BACKUP_DIR" -maxdepth 1 -name '.incomplete-*' -mmin +1440 -exec rm -rf {} +
}

case "${1:-}" in
    "") backup && prune ;;
    --prune) prune ;;
    *) say "usage: $0 [--prune]"; exit 2 ;;
esac
