// The printer-marlin plugin: provides bciin.device-driver/1 for Marlin 3D printers.
#include "marlin_device.hpp"

#include <bciin/sdk/device.hpp>

BCIIN_DEVICE_DRIVER_PLUGIN(bciin::marlin::MarlinDevice)
