# OCI images (tools/ukoci, run as `ukbake --oci`): it sits next to ukbake in $(BUILD)/bin, as
# does ukmon-podnet, the pod-network helper `ukbake --oci --podnet` puts into an image.
UKOCI := $(BUILD)/bin/ukoci
UKPODNET := $(BUILD)/bin/ukmon-podnet
all: $(UKOCI) $(UKPODNET)
$(UKOCI): tools/ukoci
	@mkdir -p $(@D)
	cp $< $@ && chmod +x $@

# Static and stripped: an image holds it and nothing it could load. Never sanitized.
$(UKPODNET): $(wildcard tools/podnet/*.cpp tools/podnet/*.hpp)
	@mkdir -p $(@D)
	$(CXX) -std=c++20 -O2 $(WARN) -static -s -o $@ $(filter %.cpp,$^)
