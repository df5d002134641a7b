/* placeholder until the mail parser lands */
#include "config.h"
#include "mail.h"
