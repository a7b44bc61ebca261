#pragma once
// Private to io: one move-only owner per HDF5 id (file, group, dataset, dataspace, datatype,
// attribute, property list). The destructor closes the id and never throws. Shared by the dataset
// store, the checkpoint writer and the surrogate model file.
#include <hdf5.h>

#include <string>
#include <utility>

#include "snac/core/error.hpp"

namespace snac::io::h5 {

/// Which H5*close function releases an id.
enum class Kind { kFile, kGroup, kDataset, kDataspace, kDatatype, kAttribute, kPropList };

/// Owns one HDF5 id; closes it on destruction. Move-only.
class Handle {
public:
    Handle() = default;
    Handle(hid_t id, Kind kind) noexcept : id_(id), kind_(kind) {}
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    Handle(Handle&& other) noexcept
        : id_(std::exchange(other.id_, H5I_INVALID_HID)), kind_(other.kind_) {}
    Handle& operator=(Handle&& other) noexcept {
        if (this != &other) {
            close();
            id_ = std::exchange(other.id_, H5I_INVALID_HID);
            kind_ = other.kind_;
        }
        return *this;
    }
    ~Handle() { close(); }

    hid_t get() const noexcept { return id_; }
    operator hid_t() const noexcept {
        return id_;
    }  // NOLINT: lets a Handle go straight into H5 calls
    bool valid() const noexcept { return id_ >= 0; }

    /// Closes now and returns the close status (< 0 on failure); the destructor ignores it.
    herr_t close() noexcept {
        if (id_ < 0) return 0;
        herr_t status = 0;
        switch (kind_) {
            case Kind::kFile:
                status = H5Fclose(id_);
                break;
            case Kind::kGroup:
                status = H5Gclose(id_);
                break;
            case Kind::kDataset:
                status = H5Dclose(id_);
                break;
            case Kind::kDataspace:
                status = H5Sclose(id_);
                break;
            case Kind::kDatatype:
                status = H5Tclose(id_);
                break;
            case Kind::kAttribute:
                status = H5Aclose(id_);
                break;
            case Kind::kPropList:
                status = H5Pclose(id_);
                break;
        }
        id_ = H5I_INVALID_HID;
        return status;
    }

private:
    hid_t id_ = H5I_INVALID_HID;
    Kind kind_ = Kind::kFile;
};

/// Wraps a freshly returned id; throws snac::Error naming `what` when the call failed (id < 0).
inline Handle checked(hid_t id, Kind kind, const std::string& what) {
    if (id < 0) throw Error("HDF5: " + what + " failed");
    return Handle(id, kind);
}

/// Throws snac::Error naming `what` when an HDF5 call returned a negative status.
inline void check(herr_t status, const std::string& what) {
    if (status < 0) throw Error("HDF5: " + what + " failed");
}

/// Turns off HDF5's automatic error-stack printing: snac reports errors itself, with context.
inline void silence_errors() noexcept {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

}  // namespace snac::io::h5
