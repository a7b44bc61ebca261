// snac emulation of the Xilinx ap_int.h interface (see ap_snac_impl.h).
#ifndef SNAC_AP_INT_H
#define SNAC_AP_INT_H
#include "ap_snac_impl.h"
#endif
