/* trust.c - StrictModes for the files huddle reads code and settings from. */
/* getpwent is XSI, not POSIX; every Linux libc has it. */
#define _DEFAULT_SOURCE 1

#include "trust.h"

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int hd_private_group(uid_t owner, gid_t gid)
{
	const struct passwd *pw = getpwuid(owner);
	const struct group *gr = getgrgid(gid);
	if (!pw || !gr || pw->pw_gid != gid || strcmp(gr->gr_name, pw->pw_name))
		return 0;
	for (char **m = gr->gr_mem; *m; m++)
		if (strcmp(*m, gr->gr_name))
			return 0;
	int alone = 1;
	setpwent();
	while ((pw = getpwent()))
		if (pw->pw_gid == gid && pw->pw_uid != owner)
			alone = 0;
	endpwent();
	return alone;
}

int hd_trusted(const struct stat *sb, int sticky_ok, char *why, size_t n)
{
	if (sb->st_uid != geteuid() && sb->st_uid != 0) {
		snprintf(why, n, "owned by another user (uid %ld), not by you or root", (long)sb->st_uid);
		return -1;
	}
	if (sticky_ok && S_ISDIR(sb->st_mode) && (sb->st_mode & S_ISVTX))
		return 0;
	if ((sb->st_mode & S_IWOTH) || ((sb->st_mode & S_IWGRP) && !hd_private_group(sb->st_uid, sb->st_gid))) {
		snprintf(why, n, "writable by other users (mode %03o)", (unsigned)(sb->st_mode & 0777));
		return -1;
	}
	return 0;
}
