// The wire between the pod interface and the TAP: on each, an ingress qdisc with one u32
// match-everything filter whose mirred action redirects every frame out of the other.
#pragma once

namespace podnet {

// Frames arriving on FROM leave through TO (throws Failure).
void redirect_ingress(int from_index, int to_index);
// Removes the ingress qdisc (and so its filter) of the interface; no error if there is none.
void remove_ingress(int index);

}  // namespace podnet
