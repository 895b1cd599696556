#include "core/json.h"

#include <fstream>
#include <sstream>

#include "core/error.h"

namespace recur {

std::string json_line(const Json& value) {
  if (value.is_object()) {
    std::string text = "{";
    for (const auto& [key, item] : value.items()) {
      if (text.size() > 1) text += ", ";
      text += Json(key).dump() + ": " + json_line(item);
    }
    return text + "}";
  }
  if (value.is_array()) {
    std::string text = "[";
    for (const Json& item : value) {
      if (text.size() > 1) text += ", ";
      text += json_line(item);
    }
    return text + "]";
  }
  return value.dump();
}

std::string json_document(const Json& object) {
  std::string text = "{";
  for (const auto& [key, item] : object.items()) {
    text += (text.size() > 1 ? ",\n  " : "\n  ") + Json(key).dump() + ": ";
    if (!item.is_array()) {
      text += json_line(item);
      continue;
    }
    std::string items;
    for (const Json& element : item)
      items += (items.empty() ? "\n    " : ",\n    ") + json_line(element);
    text += "[" + items + (items.empty() ? "]" : "\n  ]");
  }
  return text + "\n}\n";
}

Json parse_json(const std::string& text, const std::string& origin) {
  try {
    return Json::parse(text);
  } catch (const Json::exception& e) {
    fail(origin, ": not valid JSON (", e.what(), ")");
  }
}

Json read_json_file(const std::string& path) {
  std::ifstream in(path);
  RECUR_CHECK(in.good(), "cannot read ", path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_json(text.str(), path);
}

template <class T>
T json_get(const Json& value, const char* key, const std::string& origin) {
  RECUR_CHECK(value.is_object() && value.contains(key), origin, ": no \"", key, "\"");
  try {
    return value.at(key).get<T>();
  } catch (const Json::exception&) {
    fail(origin, ": \"", key, "\" is ", value.at(key).dump(), ", of the wrong type");
  }
}

template double json_get<double>(const Json&, const char*, const std::string&);
template int64_t json_get<int64_t>(const Json&, const char*, const std::string&);
template int json_get<int>(const Json&, const char*, const std::string&);
template std::string json_get<std::string>(const Json&, const char*, const std::string&);

}  // namespace recur
