// The sensor-modbus plugin: provides bciin.device-driver/1 for sensors read over Modbus RTU.
#include "sensor_device.h"

#include <bciin/sdk/device.hpp>

BCIIN_DEVICE_DRIVER_PLUGIN(bciin::modbus::ModbusSensorDevice)
