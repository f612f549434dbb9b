// The cnc-grbl plugin: provides bciin.device-driver/1 for CNC machines running GRBL 1.1.
#include "grbl_device.h"

#include <bciin/sdk/device.hpp>

BCIIN_DEVICE_DRIVER_PLUGIN(bciin::grbl::GrblDevice)
