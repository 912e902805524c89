# Packages every RTApp sample ELF in FIRMWARE_DIR as a signed .imagepackage in OUT_DIR, using
# the built mt3620-emu (`image pack-rtapp`), and, given HL_APPS_DIR, every high-level sample's
# app directory (HL_APPS_DIR/apps/hl-*, `image pack-application`) as OUT_DIR/hl-*.imagepackage.
# Run by the `sample_packages` target after the firmware and hl_apps builds:
#   cmake -DEMU=... -DFIRMWARE_DIR=... -DSAMPLES_DIR=... -DOUT_DIR=... [-DHL_APPS_DIR=...] -P PackSamples.cmake
#
# A sample's manifest is firmware-samples/<name>/app_manifest.json if it has one; otherwise one
# is generated with a ComponentId derived from the sample name (a name-based UUID), so packages
# are reproducible. The signing key is the build's own developer key (OUT_DIR/home, created
# from a fixed seed) and SOURCE_DATE_EPOCH fixes the build timestamp: same sources, same bytes.
# ELF files that are not RTApps for the MT3620 (e.g. the QEMU comparison build) are skipped.
#
# A generated manifest names the peripherals the sample uses (below), as a real app's manifest
# must: the device enforces a package's manifest with the firewall (docs/firewall.md).
set(CAPS_adc-read   [=["Adc": [ "ADC-CONTROLLER-0" ]]=])
set(CAPS_blink      [=["Gpio": [ 8 ]]=])
set(CAPS_button     [=["Gpio": [ 9, 12 ], "ExternalInterrupt": [ "EINT12" ]]=])
set(CAPS_i2c-accel  [=["I2cMaster": [ "ISU2" ]]=])
set(CAPS_pwm-fade   [=["Pwm": [ "PWM-CONTROLLER-2" ]]=])
set(CAPS_spi-accel  [=["SpiMaster": [ "ISU1" ]]=])
set(CAPS_spi-flash  [=["SpiMaster": [ "ISU1" ]]=])
set(CAPS_uart-dma   [=["Uart": [ "ISU0" ]]=])
set(CAPS_uart-echo  [=["Uart": [ "ISU0" ]]=])
file(MAKE_DIRECTORY ${OUT_DIR})
file(GLOB elfs ${FIRMWARE_DIR}/*.elf)
set(namespace 5a8d6c1e-3f0b-4e55-9b7a-6d2f1c0e4a90)
set(packed "")
set(skipped "")
foreach(elf ${elfs})
  get_filename_component(name ${elf} NAME_WE)
  set(manifest ${SAMPLES_DIR}/${name}/app_manifest.json)
  if(NOT EXISTS ${manifest})
    string(UUID cid NAMESPACE ${namespace} NAME "mt3620-emu sample ${name}" TYPE SHA1)
    set(manifest ${OUT_DIR}/${name}.app_manifest.json)
    set(text "{\n  \"SchemaVersion\": 1,\n  \"Name\": \"${name}\",\n  \"ComponentId\": \"${cid}\",\n  \"EntryPoint\": \"/bin/app\",\n  \"CmdArgs\": [],\n  \"Capabilities\": {${CAPS_${name}}},\n  \"ApplicationType\": \"RealTimeCapable\"\n}\n")
    file(WRITE ${manifest}.new "${text}")
    file(COPY_FILE ${manifest}.new ${manifest} ONLY_IF_DIFFERENT)
    file(REMOVE ${manifest}.new)
  endif()
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env XDG_DATA_HOME=${OUT_DIR}/home SOURCE_DATE_EPOCH=1735689600
            ${EMU} image pack-rtapp --manifest ${manifest} --elf ${elf} -o ${OUT_DIR}/${name}.imagepackage
            --key-seed mt3620-emu-sample-packages
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc EQUAL 0)
    list(APPEND packed ${name})
  elseif(err MATCHES "ApplicationType|RTApp|segment|entry|vector")
    list(APPEND skipped ${name})
  else()
    message(FATAL_ERROR "sample_packages: ${name}: ${err}")
  endif()
endforeach()
# High-level apps: the app directory as built (bin/app, app_manifest.json, resources).
set(hl_packed "")
if(HL_APPS_DIR)
  file(GLOB hl_dirs LIST_DIRECTORIES true ${HL_APPS_DIR}/apps/hl-*)
  foreach(dir ${hl_dirs})
    if(NOT EXISTS ${dir}/app_manifest.json)
      continue()
    endif()
    get_filename_component(name ${dir} NAME)
    execute_process(
      COMMAND ${CMAKE_COMMAND} -E env XDG_DATA_HOME=${OUT_DIR}/home SOURCE_DATE_EPOCH=1735689600
              ${EMU} image pack-application --manifest ${dir}/app_manifest.json --input ${dir}
              -o ${OUT_DIR}/${name}.imagepackage --key-seed mt3620-emu-sample-packages
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "sample_packages: ${name}: ${err}")
    endif()
    list(APPEND hl_packed ${name})
  endforeach()
endif()
list(LENGTH packed n)
list(LENGTH hl_packed n_hl)
message(STATUS "sample_packages: ${n} RTApp and ${n_hl} high-level packages in ${OUT_DIR} (not RTApps, skipped: ${skipped})")
