/* feeder/event.c - see event.h */
#include "config.h"

#include <string.h>

#include "event.h"

static const char *const names[EV_CLASS_COUNT] = {
	"delivered", "hard", "soft", "message_rejected", "ip_blocked",
	"complaint", "deferred_temporary", "blocked_by_list"
};

const char *
ev_class_name(int cls)
{
	return cls >= 0 && cls < EV_CLASS_COUNT ? names[cls] : "?";
}

int
ev_class_parse(const char *name)
{
	int i;

	for (i = 0; i < EV_CLASS_COUNT; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

