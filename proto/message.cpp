#include "proto/message.h"

namespace p9 {

std::string_view msg_name(MsgType t) noexcept {
  switch (t) {
    case MsgType::Rlerror: return "Rlerror";
    case MsgType::Tstatfs: return "Tstatfs";
    case MsgType::Rstatfs: return "Rstatfs";
    case MsgType::Tlopen: return "Tlopen";
    case MsgType::Rlopen: return "Rlopen";
    case MsgType::Tlcreate: return "Tlcreate";
    case MsgType::Rlcreate: return "Rlcreate";
    case MsgType::Tsymlink: return "Tsymlink";
    case MsgType::Rsymlink: return "Rsymlink";
    case MsgType::Tmknod: return "Tmknod";
    case MsgType::Rmknod: return "Rmknod";
    case MsgType::Trename: return "Trename";
    case MsgType::Rrename: return "Rrename";
    case MsgType::Treadlink: return "Treadlink";
    case MsgType::Rreadlink: return "Rreadlink";
    case MsgType::Tgetattr: return "Tgetattr";
    case MsgType::Rgetattr: return "Rgetattr";
    case MsgType::Tsetattr: return "Tsetattr";
    case MsgType::Rsetattr: return "Rsetattr";
    case MsgType::Txattrwalk: return "Txattrwalk";
    case MsgType::Rxattrwalk: return "Rxattrwalk";
    case MsgType::Txattrcreate: return "Txattrcreate";
    case MsgType::Rxattrcreate: return "Rxattrcreate";
    case MsgType::Treaddir: return "Treaddir";
    case MsgType::Rreaddir: return "Rreaddir";
    case MsgType::Tfsync: return "Tfsync";
    case MsgType::Rfsync: return "Rfsync";
    case MsgType::Tlock: return "Tlock";
    case MsgType::Rlock: return "Rlock";
    case MsgType::Tgetlock: return "Tgetlock";
    case MsgType::Rgetlock: return "Rgetlock";
    case MsgType::Tlink: return "Tlink";
    case MsgType::Rlink: return "Rlink";
    case MsgType::Tmkdir: return "Tmkdir";
    case MsgType::Rmkdir: return "Rmkdir";
    case MsgType::Trenameat: return "Trenameat";
    case MsgType::Rrenameat: return "Rrenameat";
    case MsgType::Tunlinkat: return "Tunlinkat";
    case MsgType::Runlinkat: return "Runlinkat";
    case MsgType::Tversion: return "Tversion";
    case MsgType::Rversion: return "Rversion";
    case MsgType::Tauth: return "Tauth";
    case MsgType::Rauth: return "Rauth";
    case MsgType::Tattach: return "Tattach";
    case MsgType::Rattach: return "Rattach";
    case MsgType::Tflush: return "Tflush";
    case MsgType::Rflush: return "Rflush";
    case MsgType::Twalk: return "Twalk";
    case MsgType::Rwalk: return "Rwalk";
    case MsgType::Tread: return "Tread";
    case MsgType::Rread: return "Rread";
    case MsgType::Twrite: return "Twrite";
    case MsgType::Rwrite: return "Rwrite";
    case MsgType::Tclunk: return "Tclunk";
    case MsgType::Rclunk: return "Rclunk";
    case MsgType::Tremove: return "Tremove";
    case MsgType::Rremove: return "Rremove";
  }
  return "";
}

}  // namespace p9
