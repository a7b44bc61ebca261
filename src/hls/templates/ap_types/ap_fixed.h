// snac emulation of the Xilinx ap_fixed.h interface (see ap_snac_impl.h).
#ifndef SNAC_AP_FIXED_H
#define SNAC_AP_FIXED_H
#include "ap_snac_impl.h"
#endif
