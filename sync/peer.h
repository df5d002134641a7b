/* The peers moved to zones/ (the feeder reads them too). */
#include "../zones/peer.h"
