# OCI images (tools/ukoci, run as `ukbake --oci`): it sits next to ukbake in $(BUILD)/bin.
UKOCI := $(BUILD)/bin/ukoci
all: $(UKOCI)
$(UKOCI): tools/ukoci
	@mkdir -p $(@D)
	cp $< $@ && chmod +x $@
