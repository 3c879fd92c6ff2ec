/*
 * trust.h - whether a file or folder may be trusted with code or
 * settings: sshd's StrictModes, applied to configs and plugins.
 */
#ifndef HUDDLE_TRUST_H
#define HUDDLE_TRUST_H

#include <stddef.h>
#include <sys/stat.h>

/* True when group gid holds nobody but user owner: the user private
 * group of Debian's USERGROUPS_ENAB, where umask 002 makes every new
 * file group-writable without giving anyone else a say. */
int hd_private_group(uid_t owner, gid_t gid);

/* Whether what sb describes belongs to the user or to root and nobody
 * else can write it (its group may, when it is the owner's private
 * group).  With `sticky_ok`, a folder that anyone may write is still
 * trusted when it has the sticky bit (/tmp): nobody can then replace
 * what others put in it.  Returns 0, or -1 with the reason, starting
 * "owned by" or "writable by", in why. */
int hd_trusted(const struct stat *sb, int sticky_ok, char *why, size_t n);

#endif
