package org.apigw.admin;

import com.fasterxml.jackson.databind.node.TextNode;
import io.vertx.core.MultiMap;

/** List paging ({@code page}, {@code page_size} in [10, 500]); only active when page_size is given. */
record Paging(int page, int size) {

  /** Null when the request does not ask for paging. */
  static Paging from(MultiMap params) {
    String size = params.get("page_size");
    if (size == null) {
      return null;
    }
    int pageSize;
    int page;
    try {
      pageSize = Integer.parseInt(size.trim());
      String p = params.get("page");
      page = p == null ? 1 : Math.max(1, Integer.parseInt(p.trim()));
    } catch (NumberFormatException e) {
      pageSize = -1;
      page = 1;
    }
    if (pageSize < 10 || pageSize > 500) {
      // APISIX answers this one with a bare string, not {"error_msg": ...}
      throw new AdminError(400, TextNode.valueOf("page_size must be between 10 and 500"));
    }
    return new Paging(page, pageSize);
  }
}
